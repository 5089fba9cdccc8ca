"""Transcription with the real bundled tiny.en model: accurate on real speech, silent on
silence, and the same through every upload format."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest

from tests.workers.speech.recordings import (
    CONVERSIONS,
    JFK,
    JFK_TEXT,
    convert,
    requires_recordings,
    word_error_rate,
    write_wav,
)
from workers.speech.decoding import decode_audio
from workers.speech.transcription import (
    BATCH_SIZE,
    LOGPROB_THRESHOLD,
    NO_SPEECH_THRESHOLD,
    Segment,
    _without_dropouts,
    collapse_loops,
    load_model,
    normalise_text,
    transcribe,
)


def test_bundled_model_is_loaded_once_per_process(model):
    assert load_model() is model
    assert load_model("bundled", device="auto") is model
    assert model.device in ("cpu", "cuda")
    assert model.compute_type == ("int8" if model.device == "cpu" else "float16")


@requires_recordings
def test_jfk_word_error_rate(model):
    transcript = transcribe(model, decode_audio(JFK))
    wer = word_error_rate(JFK_TEXT, transcript.text)
    print(f"jfk.flac WER {wer:.3f}: {transcript.text!r}")
    assert wer <= 0.10
    assert transcript.language == "en"
    assert transcript.duration == pytest.approx(11.0, abs=0.01)


@requires_recordings
def test_batched_and_sequential_decoding_hear_the_same_words(model):
    assert model.batch_size == BATCH_SIZE > 0  # jobs decode speech windows in batches
    audio = decode_audio(JFK)
    batched = transcribe(model, audio)
    sequential = transcribe(replace(model, batch_size=0), audio)
    # Punctuation may differ ("so" / "so,"); the words and their order may not.
    assert normalise_text(batched.text).split() == normalise_text(sequential.text).split()
    assert len([w for s in batched.segments for w in s.words]) == len(
        [w for s in sequential.segments for w in s.words]
    )


@requires_recordings
def test_long_audio_without_voice_detection_is_decoded_one_window_after_another(model):
    # The batched pipeline cuts its windows where voice detection finds speech; without it,
    # audio over 30 s is decoded sequentially rather than refused.
    speech = decode_audio(JFK).samples[0]
    padded = np.concatenate([speech, np.zeros(16000 * 25, np.float32), speech])
    transcript = transcribe(model, padded, vad_filter=False)
    assert word_error_rate(f"{JFK_TEXT} {JFK_TEXT}", transcript.text) <= 0.10


@requires_recordings
def test_jfk_word_timestamps_follow_the_speech(model):
    transcript = transcribe(model, decode_audio(JFK))
    words = [w for s in transcript.segments for w in s.words]
    assert [w.text.strip(",.").lower() for w in words[:4]] == ["and", "so", "my", "fellow"]
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
    assert all(0 <= w.start <= w.end <= 11.0 for w in words)
    # "country" is the last word and is said in the last three seconds.
    assert words[-1].text.strip(".").lower() == "country"
    assert words[-1].start > 8.0
    for segment in transcript.segments:
        assert segment.avg_logprob > -1.0 and 0 <= segment.no_speech_prob <= 1


def test_five_seconds_of_digital_silence_is_an_empty_transcript(model, tmp_path):
    path = write_wav(tmp_path / "silence.wav", np.zeros(16000 * 5, np.float32))
    transcript = transcribe(model, decode_audio(path))
    assert transcript.segments == ()
    assert transcript.text == ""
    assert transcript.duration == pytest.approx(5.0)


def test_quiet_room_noise_is_an_empty_transcript(model, tmp_path):
    # Noise above the digital-silence shortcut, so the model and its guards do run.
    noise = np.random.default_rng(1).normal(0, 0.003, 16000 * 5).astype(np.float32)
    audio = decode_audio(write_wav(tmp_path / "room.wav", noise))
    assert transcribe(model, audio).segments == ()
    # Without the VAD filter Whisper itself emits a loop of "." segments here; the guards drop them.
    assert transcribe(model, audio, vad_filter=False).segments == ()


@requires_recordings
def test_speech_after_long_silence_keeps_true_timestamps(model):
    speech = decode_audio(JFK).samples[0]
    padded = np.concatenate([np.zeros(16000 * 20, np.float32), speech])
    transcript = transcribe(model, padded)
    assert word_error_rate(JFK_TEXT, transcript.text) <= 0.10
    assert 19.5 < transcript.segments[0].start < 21.0


@requires_recordings
def test_speech_the_recognition_left_out_is_recognised_again_where_it_was(model):
    # The small model sometimes ends a window early and drops what follows (a whole answer
    # sentence, under noise no one can hear): speech no segment covers is recognised again.
    speech = decode_audio(JFK).samples[0]
    padded = np.concatenate([np.zeros(16000 * 5, np.float32), speech])
    heard = transcribe(model, padded)
    assert heard.segments[0].start > 4.5
    options = {"language": "en", "beam_size": 5, "word_timestamps": True, "vad_filter": True}
    options |= {"condition_on_previous_text": False, "log_prob_threshold": LOGPROB_THRESHOLD}
    options |= {"no_speech_threshold": NO_SPEECH_THRESHOLD, "hotwords": None}
    refilled = _without_dropouts(model, padded, [], options, NO_SPEECH_THRESHOLD)
    text = " ".join(s.text for s in refilled)
    assert word_error_rate(JFK_TEXT, text) <= 0.25
    assert 4.5 < refilled[0].start < 6.0  # timed in the whole recording, not the cut-out
    assert refilled[-1].end <= padded.size / 16000 + 0.01
    # Nothing is left out of a complete transcript, so nothing is recognised twice.
    assert _without_dropouts(model, padded, list(heard.segments), options, 0.6) == list(
        heard.segments
    )


@requires_recordings
@pytest.mark.parametrize("suffix", sorted(CONVERSIONS))
def test_every_upload_format_transcribes(model, tmp_path, suffix):
    codec, video = CONVERSIONS[suffix]
    path = convert(JFK, tmp_path / f"jfk.{suffix}", codec=codec, video=video)
    assert word_error_rate(JFK_TEXT, transcribe(model, decode_audio(path)).text) <= 0.10


def _segment(text: str, start: float) -> Segment:
    return Segment(start, start + 1, text, (), -0.3, 0.01)


def test_a_segment_looping_three_times_is_kept_once():
    segments = [
        _segment("Tell me about yourself.", 0),
        _segment("Thank you.", 1),
        _segment("thank you", 2),
        _segment("Thank you!", 3),
        _segment("Thank you.", 4),
        _segment("Yes.", 5),
        _segment("Yes.", 6),
    ]
    kept = [(s.text, s.start) for s in collapse_loops(segments)]
    # The loop collapses to its first segment; a genuine "Yes. Yes." (twice) stays.
    assert kept == [("Tell me about yourself.", 0), ("Thank you.", 1), ("Yes.", 5), ("Yes.", 6)]


def test_model_comes_from_the_settings(tmp_path):
    from backend.settings import Settings
    from workers.speech.transcription import ModelLoadError, load_configured_model

    model = load_configured_model(Settings(speech_device="cpu"))
    assert (model.device, model.compute_type) == ("cpu", "int8")
    assert model is load_configured_model(Settings(speech_device="cpu"))  # loaded once
    empty_dir = tmp_path / "no-model-here"
    empty_dir.mkdir()
    with pytest.raises(ModelLoadError, match="no-model-here"):
        load_configured_model(Settings(speech_model=str(empty_dir), speech_device="cpu"))
