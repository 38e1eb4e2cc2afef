"""Files in and out as bytes (PNG / WAV / text), numpy arrays, inspection and watermarks."""

import math

import pytest

import fivergo
from conftest import png


def wav(seconds: float, rate: int = 16000) -> bytes:
    samples = [int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(int(seconds * rate))]
    return fivergo.Artifact.from_audio(rate, 1, samples).to_bytes()


# R: A3
def test_inspect_measures_images_audio_and_text():
    kind, meta = fivergo.inspect(png(300, 200))
    assert kind == "image" and (meta["width"], meta["height"]) == (300, 200)
    kind, meta = fivergo.inspect(wav(2.0))
    assert kind == "audio" and meta["duration_ms"] == 2000
    assert fivergo.inspect("a caption".encode())[0] == "text"


# R: A3
def test_unreadable_and_oversized_files_are_asset_errors_not_panics():
    with pytest.raises(fivergo.AssetError) as info:
        fivergo.inspect(b"")
    assert (info.value.code, info.value.rule) == ("asset_unreadable", "A3")
    with pytest.raises(fivergo.AssetError):
        fivergo.inspect(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)  # a PNG signature, then garbage
    with pytest.raises(fivergo.AssetError):
        fivergo.inspect(b"RIFF\x10\x00\x00\x00WAVEjunk")
    small = fivergo.Policy.from_dict({"media": {"limits": {"max_bytes": 100}}})
    with pytest.raises(fivergo.AssetError) as big:
        fivergo.inspect(png(300, 300), small)
    assert big.value.code == "media_too_large" and big.value.limit == 100


# R: A3
def test_hostile_headers_are_refused_with_the_numbers_of_their_limit():
    # 600 bytes at 1 Hz would pass as a 600-second recording.
    one_hz = (b"RIFF" + (36 + 600).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
              + bytes([1, 0, 1, 0]) + (1).to_bytes(4, "little") + (1).to_bytes(4, "little")
              + bytes([1, 0, 8, 0]) + b"data" + (600).to_bytes(4, "little") + b"\x80" * 600)
    with pytest.raises(fivergo.AssetError) as slow:
        fivergo.inspect(one_hz)
    assert (slow.value.code, slow.value.rule) == ("sample_rate_out_of_range", "A3")
    assert (slow.value.sample_rate_hz, slow.value.min_hz, slow.value.max_hz) == (1, 8000, 192000)
    # A PNG header claiming 100000 x 100000 pixels, refused before decoding.
    bomb = bytearray(png(8, 8))
    bomb[16:24] = (100_000).to_bytes(4, "big") * 2
    with pytest.raises(fivergo.AssetError) as big:
        fivergo.inspect(bytes(bomb))
    assert (big.value.code, big.value.what, big.value.limit) == ("media_too_large", "pixels", 24_000_000)


# R: A3
def test_upload_asset_measures_the_file_and_refuses_short_audio(clock):
    hub = fivergo.Hub(clock=clock)
    hub.register_seller("ana", "level_2")
    asset = hub.upload_asset("ana", "upload", png(512, 512), "koi.png", ["koi"]).value
    stored = hub.asset("ana", asset)
    assert stored.modality == "image" and stored.meta["width"] == 512 and stored.meta["file_name"] == "koi.png"
    assert stored.tags == ["koi"]
    hub.add_gig("ana", "jingles")
    model = hub.create_model("ana", "jingles").value
    short = hub.upload_asset("ana", "upload", wav(2.0)).value
    with pytest.raises(fivergo.AssetError) as info:
        hub.select_assets("ana", model, [short])
    assert info.value.code == "asset_too_short" and info.value.min_seconds == 10


def test_artifacts_round_trip_through_bytes():
    image = fivergo.Artifact.from_image(2, 1, bytes([1, 2, 3, 255, 4, 5, 6, 255]))
    again = fivergo.Artifact.from_bytes(image.to_bytes())
    assert again == image and again.kind == "image" and again.rgba == image.rgba
    audio = fivergo.Artifact.from_audio(8000, 2, [0, 1, -1, 2])
    back = fivergo.Artifact.from_bytes(audio.to_bytes())
    assert back == audio and (back.sample_rate, back.channels, back.duration_ms) == (8000, 2, 0)
    text = fivergo.Artifact.from_text("héllo")
    assert fivergo.Artifact.from_bytes(text.to_bytes()).text == "héllo"
    with pytest.raises(ValueError):
        fivergo.Artifact.from_image(2, 2, b"short")
    with pytest.raises(ValueError):
        fivergo.Artifact.from_audio(8000, 2, [1, 2, 3])


def test_numpy_arrays_when_numpy_is_installed():
    np = pytest.importorskip("numpy")
    image = fivergo.Artifact.from_bytes(png(4, 3))
    pixels = fivergo.to_numpy(image)
    assert pixels.shape == (3, 4, 4) and pixels.dtype == np.uint8
    assert fivergo.from_numpy(pixels) == image
    audio = fivergo.Artifact.from_audio(8000, 2, [0, 1, -1, 2, 3, -3])
    samples = fivergo.to_numpy(audio)
    assert samples.shape == (3, 2) and samples[2, 1] == -3
    assert fivergo.from_numpy(samples, sample_rate=8000) == audio
    with pytest.raises(ValueError):
        fivergo.to_numpy(fivergo.Artifact.from_text("x"))


# R: W1, W2
def test_mark_draft_and_detect_watermark():
    clean = fivergo.Artifact.from_bytes(png(512, 512, seed=3))
    draft, unfit = fivergo.mark_draft(clean, "order-7", seed=1, payload=0xC0FFEE)
    assert unfit is None and draft != clean and (draft.width, draft.height) == (512, 512)
    found = fivergo.detect_watermark(draft)
    assert found is not None and found[0] == 0xC0FFEE and 0.5 < found[1] <= 1.0
    assert fivergo.detect_watermark(clean) is None
    visible_only, reason = fivergo.mark_draft(clean, "order-7", seed=1)
    assert visible_only != clean and reason
    text_draft, why = fivergo.mark_draft(fivergo.Artifact.from_text("a poem"), "order-7", 1, payload=5)
    assert "order-7" in (text_draft.text or "") and why
