"""Stereo recordings: each channel is one speaker; copies and silent channels are not
mistaken for a second speaker."""

from __future__ import annotations

import numpy as np
import pytest

from tests.workers.speech.recordings import (
    JFK,
    JFK_TEXT,
    STEREO,
    STEREO_LEFT_TEXT,
    STEREO_RIGHT_TEXT,
    normalise,
    requires_recordings,
    word_error_rate,
    write_wav,
)
from workers.speech.channels import CHANNEL_SPEAKERS, transcribe_channels
from workers.speech.decoding import decode_audio
from workers.speech.transcription import transcribe

pytestmark = requires_recordings


def _words_by_speaker(result) -> dict[str | None, list[str]]:
    words: dict[str | None, list[str]] = {}
    for segment in result.transcript.segments:
        words.setdefault(segment.speaker, []).extend(normalise(segment.text).split())
    return words


def _share_in(reference: str, words: list[str]) -> float:
    expected = normalise(reference).split()
    return sum(word in words for word in expected) / len(expected)


def test_each_channel_is_attributed_to_its_own_speaker(model):
    result = transcribe_channels(model, decode_audio(STEREO, channels="keep"))
    assert result.mode == "stereo"
    words = _words_by_speaker(result)
    assert set(words) == {"SPEAKER_00", "SPEAKER_01"}
    assert _share_in(STEREO_LEFT_TEXT, words["SPEAKER_00"]) >= 0.8
    assert _share_in(STEREO_RIGHT_TEXT, words["SPEAKER_01"]) >= 0.8
    # And not the other way round.
    assert _share_in(STEREO_RIGHT_TEXT, words["SPEAKER_00"]) <= 0.4
    assert _share_in(STEREO_LEFT_TEXT, words["SPEAKER_01"]) <= 0.4
    starts = [s.start for s in result.transcript.segments]
    assert starts == sorted(starts)


def test_channels_transcribed_at_once_are_each_channels_own_transcript(model):
    audio = decode_audio(STEREO, channels="keep")
    merged = transcribe_channels(model, audio).transcript.segments
    for channel, speaker in enumerate(CHANNEL_SPEAKERS):
        alone = transcribe(model, audio.samples[channel]).segments
        heard = [(s.start, s.end, s.text) for s in merged if s.speaker == speaker]
        # Leakage may drop a segment from the quieter channel; nothing else differs.
        assert set(heard) <= {(s.start, s.end, s.text) for s in alone}
        assert heard


def test_swapping_channels_swaps_speakers(model, tmp_path):
    stereo = decode_audio(STEREO, channels="keep").samples
    swapped = write_wav(tmp_path / "swapped.wav", stereo[::-1])
    words = _words_by_speaker(transcribe_channels(model, decode_audio(swapped, channels="keep")))
    assert _share_in(STEREO_RIGHT_TEXT, words["SPEAKER_00"]) >= 0.8
    assert _share_in(STEREO_LEFT_TEXT, words["SPEAKER_01"]) >= 0.8


def test_mono_saved_as_stereo_is_one_unlabelled_channel(model):
    audio = decode_audio(JFK, channels="keep")  # jfk.flac has the same signal on both sides
    assert audio.channels == 2
    result = transcribe_channels(model, audio)
    assert result.mode == "mono"
    assert {s.speaker for s in result.transcript.segments} == {None}
    assert word_error_rate(JFK_TEXT, result.transcript.text) <= 0.10  # transcribed once, not twice


def test_a_silent_channel_is_skipped(model, tmp_path):
    speech = decode_audio(JFK).samples[0]
    path = write_wav(tmp_path / "one_sided.wav", np.stack([np.zeros_like(speech), speech]))
    result = transcribe_channels(model, decode_audio(path, channels="keep"))
    assert result.mode == "mono"
    assert word_error_rate(JFK_TEXT, result.transcript.text) <= 0.10


def test_microphone_leakage_is_attributed_to_the_louder_channel(model, tmp_path):
    # Left speaker bleeds into the right microphone at -20 dB, as on a call recorded per side.
    stereo = decode_audio(STEREO, channels="keep").samples
    left = stereo[0]
    right = np.concatenate([np.zeros(16000 * 6, np.float32), stereo[1]])
    left = np.concatenate([left, np.zeros(right.size - left.size, np.float32)])
    path = write_wav(tmp_path / "leaky.wav", np.stack([left, right + 0.1 * left]))
    words = _words_by_speaker(transcribe_channels(model, decode_audio(path, channels="keep")))
    assert _share_in(STEREO_LEFT_TEXT, words["SPEAKER_00"]) >= 0.8
    assert _share_in(STEREO_LEFT_TEXT, words["SPEAKER_01"]) <= 0.4
    assert _share_in(STEREO_RIGHT_TEXT, words["SPEAKER_01"]) >= 0.8


@pytest.mark.parametrize("channels", [1, 2])
def test_digital_silence_in_any_layout_is_empty(model, tmp_path, channels):
    path = write_wav(tmp_path / "silence.wav", np.zeros((channels, 16000 * 5), np.float32))
    result = transcribe_channels(model, decode_audio(path, channels="keep"))
    assert result.transcript.segments == ()
