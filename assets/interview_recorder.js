// The candidate interview page's microphone: read a question aloud, record one answer with
// MediaRecorder while a level meter moves, play it back, and upload it with visible progress.
// The page (truelevel_app/pages/interview_session.py) calls these through rx.call_script and
// receives each promise's result in an event handler; nothing here talks to Reflex state.
(function () {
  "use strict";

  let stream = null;
  let recorder = null;
  let chunks = [];
  let take = null; // {blob, seconds, url}
  let startedAt = 0;
  let audioContext = null;
  let meterFrame = 0;

  function byId(id) {
    return document.getElementById(id);
  }

  function setMeter(fraction) {
    const bar = byId("level-meter-bar");
    if (bar) bar.style.width = Math.round(Math.min(1, fraction) * 100) + "%";
  }

  function setProgress(fraction, text) {
    const bar = byId("upload-progress-bar");
    if (bar) bar.style.width = Math.round(fraction * 100) + "%";
    const label = byId("upload-progress-text");
    if (label) label.textContent = text;
  }

  function startMeter(source) {
    const analyser = audioContext.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const tick = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
      const rms = Math.sqrt(sum / samples.length);
      // Speech sits around 0.02-0.2 RMS; a square root spreads it across the bar.
      setMeter(Math.sqrt(rms * 5));
      meterFrame = requestAnimationFrame(tick);
    };
    tick();
  }

  function stopMeter() {
    if (meterFrame) cancelAnimationFrame(meterFrame);
    meterFrame = 0;
    setMeter(0);
  }

  function releaseMicrophone() {
    stopMeter();
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    if (audioContext) audioContext.close();
    audioContext = null;
  }

  function preferredType() {
    const types = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];
    for (const type of types) {
      if (window.MediaRecorder && MediaRecorder.isTypeSupported(type)) return type;
    }
    return "";
  }

  function extensionFor(type) {
    if (type.startsWith("audio/ogg")) return "ogg";
    if (type.startsWith("audio/mp4")) return "m4a";
    return "webm";
  }

  window.tlInterview = {
    /** Read a question aloud with the browser's speech synthesis (silently skipped if absent). */
    speak(text) {
      if (!("speechSynthesis" in window) || !text) return false;
      window.speechSynthesis.cancel();
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.rate = 0.95;
      window.speechSynthesis.speak(utterance);
      return true;
    },

    /** Ask for the microphone and start recording. Resolves {ok, error}. */
    async start() {
      if (!navigator.mediaDevices || !window.MediaRecorder) {
        return { ok: false, error: "This browser cannot record audio. Please use a current Chrome, Edge or Firefox." };
      }
      if ("speechSynthesis" in window) window.speechSynthesis.cancel();
      this.discard();
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      } catch (err) {
        return { ok: false, error: "We could not use your microphone (" + err.name + "). Allow microphone access for this page and try again." };
      }
      audioContext = new (window.AudioContext || window.webkitAudioContext)();
      // Created after an await: resume in case the browser started it suspended.
      if (audioContext.state === "suspended") audioContext.resume().catch(() => {});
      startMeter(audioContext.createMediaStreamSource(stream));
      const type = preferredType();
      recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
      chunks = [];
      recorder.ondataavailable = (event) => {
        if (event.data && event.data.size) chunks.push(event.data);
      };
      recorder.start(250);
      startedAt = performance.now();
      return { ok: true, error: "" };
    },

    /** Stop recording; keep the take for playback. Resolves {ok, seconds, bytes, error}. */
    stop() {
      return new Promise((resolve) => {
        if (!recorder || recorder.state === "inactive") {
          resolve({ ok: false, seconds: 0, bytes: 0, error: "Nothing is being recorded." });
          return;
        }
        recorder.onstop = () => {
          const type = recorder.mimeType || "audio/webm";
          const blob = new Blob(chunks, { type: type });
          const seconds = (performance.now() - startedAt) / 1000;
          releaseMicrophone();
          take = { blob: blob, seconds: seconds, url: URL.createObjectURL(blob), type: type };
          const player = byId("answer-playback");
          if (player) player.src = take.url;
          resolve({ ok: blob.size > 0, seconds: Math.round(seconds * 10) / 10, bytes: blob.size, error: blob.size > 0 ? "" : "The recording is empty. Check your microphone and record again." });
        };
        recorder.stop();
      });
    },

    /** Forget the current take (the "record again" button). */
    discard() {
      if (recorder && recorder.state !== "inactive") recorder.stop();
      releaseMicrophone();
      if (take) URL.revokeObjectURL(take.url);
      take = null;
      const player = byId("answer-playback");
      if (player) player.removeAttribute("src");
      return true;
    },

    /** Upload the current take to `url` as the raw request body (PUT, with the recording's
     *  own Content-Type), showing the bytes sent. Resolves {ok, status, error}. */
    upload(url) {
      return new Promise((resolve) => {
        if (!take) {
          resolve({ ok: false, status: 0, error: "Record an answer first." });
          return;
        }
        const xhr = new XMLHttpRequest();
        xhr.open("PUT", url);
        xhr.setRequestHeader("Content-Type", take.type);
        setProgress(0, "Uploading… 0%");
        xhr.upload.onprogress = (event) => {
          if (event.lengthComputable) {
            setProgress(event.loaded / event.total, "Uploading… " + Math.round((100 * event.loaded) / event.total) + "%");
          }
        };
        xhr.onload = () => {
          let message = "";
          try {
            // Seed 003's flat error shape: {"error": code, "message": text}.
            const body = JSON.parse(xhr.responseText);
            const detail = body.detail && typeof body.detail === "object" ? body.detail : body;
            message = (detail && (detail.message || (typeof body.detail === "string" && body.detail))) || "";
          } catch (err) {
            message = "";
          }
          const ok = xhr.status >= 200 && xhr.status < 300;
          setProgress(ok ? 1 : 0, ok ? "Uploaded" : "");
          if (ok) {
            URL.revokeObjectURL(take.url);
            take = null;
          }
          resolve({ ok: ok, status: xhr.status, error: ok ? "" : message || "The upload failed (HTTP " + xhr.status + "). Please try again." });
        };
        xhr.onerror = () => {
          setProgress(0, "");
          resolve({ ok: false, status: 0, error: "The connection dropped while uploading. Your answer is still here: send it again." });
        };
        xhr.send(take.blob);
      });
    },
  };
})();
