"""The one storage interface, on the data folder and on a real S3-compatible server: what is
put comes back (as a stream and as a local file), deleting removes it, a missing key says so,
and keys never leave the store."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from backend.services.storage import ObjectMissing, Storage, get_storage, key_of
from backend.settings import Settings
from tests.s3_server import running_s3_server

RECORDING = bytes(range(256)) * 40_000  # 10 MB: more than one multipart chunk of boto3's


@pytest.fixture(scope="module")
def s3():
    with running_s3_server() as server:
        yield server


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path) -> Storage:
    data_dir = tmp_path / "data"
    if request.param == "local":
        return get_storage(Settings(data_dir=data_dir, storage_url=""))
    s3 = request.getfixturevalue("s3")
    settings = {
        k.removeprefix("TRUELEVEL_").lower(): v for k, v in s3.settings(s3.new_bucket()).items()
    }
    return get_storage(Settings(data_dir=data_dir, **settings))


def test_a_file_put_comes_back_as_a_stream_and_as_a_local_file(store, tmp_path):
    source = tmp_path / "take.flac"
    source.write_bytes(RECORDING)
    store.put_file("interviews/job-1/take.flac", source)

    assert store.exists("interviews/job-1/take.flac")
    with store.open("interviews/job-1/take.flac") as stream:
        assert stream.read() == RECORDING
    with store.local_copy("interviews/job-1/take.flac") as path:
        assert path.read_bytes() == RECORDING
        assert path.suffix == ".flac"  # decoders that look at the name still can
        copied = path
    if copied.parent != tmp_path / "data" / "interviews" / "job-1":
        assert not copied.exists()  # a copy from a shared store is removed afterwards


def test_streams_and_bytes_replace_what_was_stored(store):
    store.put_stream("uploads/evaluations/u1.zip", io.BytesIO(b"PK\x05\x06first"))
    store.put_bytes("uploads/evaluations/u1.zip", b"PK\x05\x06second")
    with store.open("uploads/evaluations/u1.zip") as stream:
        assert stream.read() == b"PK\x05\x06second"


def test_delete_and_delete_prefix_remove_objects_and_a_missing_key_says_so(store):
    for index in range(3):
        store.put_bytes(f"interviews/calls/c1/answer-{index}.webm", b"answer %d" % index)
    store.put_bytes("interviews/calls/c10/answer-0.webm", b"another call")

    assert sorted(store.keys("interviews/calls/c1")) == [
        f"interviews/calls/c1/answer-{i}.webm" for i in range(3)
    ]
    store.delete("interviews/calls/c1/answer-0.webm")
    store.delete("interviews/calls/c1/answer-0.webm")  # already gone: not an error
    assert not store.exists("interviews/calls/c1/answer-0.webm")
    assert store.delete_prefix("interviews/calls/c1") == 2
    assert list(store.keys("interviews/calls/c1")) == []
    assert store.exists("interviews/calls/c10/answer-0.webm")  # a prefix is a folder, not text

    with pytest.raises(ObjectMissing):
        with store.open("interviews/calls/c1/answer-1.webm"):
            pass
    with pytest.raises(ObjectMissing):
        with store.local_copy("interviews/calls/c1/answer-1.webm"):
            pass


@pytest.mark.parametrize("key", ["../secret", "/etc/passwd", "a/../../b", "", "a\\b"])
def test_keys_stay_inside_the_store(store, key):
    with pytest.raises(ValueError):
        store.put_bytes(key, b"x")


def test_the_local_store_leaves_no_empty_job_folders(tmp_path):
    store = get_storage(Settings(data_dir=tmp_path, storage_url=""))
    store.put_bytes("interviews/job-9/take.wav", b"RIFF")
    store.delete("interviews/job-9/take.wav")
    assert not (tmp_path / "interviews").exists()


def test_stored_paths_of_earlier_versions_are_keys(tmp_path):
    data_dir = tmp_path / "data"
    assert key_of("uploads/evaluations/u1.zip", data_dir=data_dir) == "uploads/evaluations/u1.zip"
    # Zip uploads used to store the absolute path: under this host's or another's data folder.
    absolute = str(data_dir / "uploads" / "evaluations" / "u1.zip")
    assert key_of(absolute, data_dir=data_dir) == "uploads/evaluations/u1.zip"
    other = "/srv/other-host/data/uploads/evaluations/u1.zip"
    assert key_of(other, data_dir=data_dir) == "uploads/evaluations/u1.zip"
    with pytest.raises(ObjectMissing):
        key_of("/etc/passwd", data_dir=data_dir)


def test_an_unknown_storage_url_is_refused(tmp_path):
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        get_storage(Settings(data_dir=tmp_path, storage_url="ftp://host/x"))


def test_a_local_installation_never_imports_boto3(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; from backend.services.storage import get_storage;"
        "get_storage().put_bytes('resumes/o/r.txt', b'x');"
        "assert 'boto3' not in sys.modules, 'boto3 imported'"
    )
    root = Path(__file__).resolve().parents[2]
    env = {"TRUELEVEL_DATA_DIR": str(tmp_path), "TRUELEVEL_STORAGE_URL": "", "PATH": ""}
    subprocess.run([sys.executable, "-c", code], cwd=root, env=env, check=True)
