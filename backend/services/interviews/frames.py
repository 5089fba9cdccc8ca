"""Frame headers of raw MPEG audio streams (MP3 and ADTS AAC): how long a frame says it is.

Raw streams carry no length in a header, so a file cut short plays as a shorter recording. What
gives the cut away is the last frame: its header announces more bytes than the file still
holds. FFmpeg hands that stub over as the last packet, so comparing the packet's size with the
length in its own header tells a cut file from a complete one.
"""

from __future__ import annotations

# Bit rates in kbit/s by (MPEG-1?, layer) and the header's 4-bit index (0 = free, 15 = bad).
_BITRATES: dict[tuple[bool, int], tuple[int, ...]] = {
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
# Sample rates by the 2-bit version field (0: MPEG-2.5, 2: MPEG-2, 3: MPEG-1; 1 is reserved).
_SAMPLE_RATES: dict[int, tuple[int, int, int]] = {
    0: (11025, 12000, 8000),
    2: (22050, 24000, 16000),
    3: (44100, 48000, 32000),
}


def adts_frame_length(header: bytes) -> int | None:
    """Bytes of the ADTS frame starting with ``header`` (at least 6 bytes), or None."""
    if len(header) < 6 or header[0] != 0xFF or header[1] & 0xF6 != 0xF0:
        return None
    return ((header[3] & 0x03) << 11) | (header[4] << 3) | (header[5] >> 5)


def mpeg_frame_length(header: bytes) -> int | None:
    """Bytes of the MPEG-1/2/2.5 layer I–III frame starting with ``header`` (4 bytes), or None
    for anything that is not a valid fixed-rate header."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version = (header[1] >> 3) & 0x03
    layer = 4 - ((header[1] >> 1) & 0x03)  # bits 11, 10, 01 → layer I, II, III
    bitrate_index, rate_index = header[2] >> 4, (header[2] >> 2) & 0x03
    if version == 1 or layer == 4 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    mpeg1 = version == 3
    bitrate = _BITRATES[(mpeg1, layer)][bitrate_index] * 1000
    sample_rate = _SAMPLE_RATES[version][rate_index]
    padding = (header[2] >> 1) & 0x01
    if layer == 1:
        return (12 * bitrate // sample_rate + padding) * 4
    if layer == 3 and not mpeg1:
        return 72 * bitrate // sample_rate + padding
    return 144 * bitrate // sample_rate + padding


def last_frame_is_cut(packet: bytes) -> bool:
    """Whether ``packet`` (a raw stream's last packet) is shorter than its own header says."""
    expected = adts_frame_length(packet)
    if expected is None:
        expected = mpeg_frame_length(packet)
    return expected is not None and len(packet) < expected
