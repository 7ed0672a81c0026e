"""A checkpoint's two files are one unit: a kill at any instant leaves the old pair or the new
pair, and what an interrupted save leaves behind is cleaned up by the next one."""

import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest

from smallflow.train import checkpoint_management, checkpoint_utils

# Big enough that a save takes a while, so kills land in every phase of it.
_VALUES = 300_000


def _record_in_npz(path):
    """The metadata stored inside the .npz, read without finishing interrupted saves."""
    with zipfile.ZipFile(path) as archive, archive.open(":metadata.npy") as member:
        raw = np.lib.format.read_array(member)
    return json.loads(raw.tobytes().decode("utf-8"))


def _json_record(path):
    return json.loads(path.read_text())


def _save(prefix, number):
    arrays = {"w": np.full(_VALUES, number, dtype=np.float32)}
    record = checkpoint_utils.metadata_record(arrays, None, {"number": number})
    checkpoint_utils.write_checkpoint(prefix, arrays, record)


def _saving_child(prefix, first):
    """Fork a process that saves checkpoints number first, first + 1, ... until killed."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            number = first
            while True:
                _save(prefix, number)
                number += 1
        finally:
            os._exit(0)
    return pid


def _check_pair(folder, name, floor):
    """Old or new pair on disk (or a committed save to finish); return the number saved."""
    npz, meta = folder / f"{name}.npz", folder / f"{name}.json"
    journal = folder / f".{name}.commit"
    if not journal.exists():
        assert _record_in_npz(npz) == _json_record(meta)
    # Every reader first finishes a committed save; then the pair agrees.
    record = checkpoint_utils.read_checkpoint_metadata(folder / name)
    assert not journal.exists()
    assert record == _json_record(meta) == _record_in_npz(npz)
    number = record["metadata"]["number"]
    assert number >= floor  # never an older pair than one already seen
    values = checkpoint_utils.load_variable(folder / name, "w")
    assert (values == number).all()
    return number


def test_killing_saves_at_random_instants_leaves_the_old_or_the_new_pair(tmp_path):
    name = "model"
    prefix = tmp_path / name
    started = time.perf_counter()
    _save(prefix, 0)
    # Kills spread over about two saves' time, however slow the (shared) machine is now.
    spread = 2.0 * (time.perf_counter() - started)
    seen = 0
    rng = random.Random(15)
    for attempt in range(60):
        pid = _saving_child(prefix, seen + 1)
        time.sleep(rng.uniform(0.0, spread))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        seen = _check_pair(tmp_path, name, seen)
        if seen == 0 and attempt % 10 == 9:
            # On a busy machine a forked child may not be scheduled within the spread at
            # all: wait longer until some save completes, so the test still tests something.
            spread *= 2
    assert seen > 0, "no save ever completed: the kills came too early to test anything"
    # The next save removes what the killed ones left behind.
    _save(prefix, seen + 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{name}.json", f"{name}.npz"]


def test_temporary_files_of_a_live_writer_are_left_alone(tmp_path):
    target = tmp_path / "m.npz"
    live = tmp_path / f".m.npz.{os.getppid()}-0123abcd.tmp"  # our parent is alive
    dead = tmp_path / ".m.npz.999999999-0123abcd.tmp"
    old_style = tmp_path / ".m.npz.0123abcd.tmp"
    for path in (live, dead, old_style):
        path.write_bytes(b"partial")
    checkpoint_management.remove_stale_temporaries(target)
    assert live.exists()
    assert not dead.exists()
    assert not old_style.exists()


def test_a_committed_save_is_finished_by_the_next_reader(tmp_path):
    prefix = tmp_path / "m"
    _save(prefix, 1)
    # Simulate a kill right after the commit point: new files written, journal in place,
    # nothing renamed yet.
    new_meta = tmp_path / f".m.json.{os.getpid()}-00000001.tmp"
    new_npz = tmp_path / f".m.npz.{os.getpid()}-00000002.tmp"
    arrays = {"w": np.full(_VALUES, 2, dtype=np.float32)}
    record = checkpoint_utils.metadata_record(arrays, None, {"number": 2})
    saved_elsewhere = tmp_path / "elsewhere"
    saved_elsewhere.mkdir()
    checkpoint_utils.write_checkpoint(saved_elsewhere / "m", arrays, record)
    os.replace(saved_elsewhere / "m.json", new_meta)
    os.replace(saved_elsewhere / "m.npz", new_npz)
    plan = {"renames": [[new_meta.name, "m.json"], [new_npz.name, "m.npz"]]}
    (tmp_path / ".m.commit").write_text(json.dumps(plan))
    assert checkpoint_utils.read_checkpoint_metadata(prefix)["metadata"]["number"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "m.json", "m.npz"]


@pytest.mark.slow
def test_killing_smallflow_train_save_at_random_instants(tmp_path):
    """The real command, killed 50 times while it trains and saves (about 2 s per run)."""
    from test_cli import SYNTHETIC_TRAIN, _block_digits  # noqa: F401

    from smallflow.datasets import idx

    data = tmp_path / "data"
    data.mkdir()
    rng = np.random.default_rng(0)
    for stem, count in (("train", 600), ("t10k", 200)):
        images, labels = _block_digits(count, rng)
        idx.write_idx(data / f"{stem}-images-idx3-ubyte", images)
        idx.write_idx(data / f"{stem}-labels-idx1-ubyte", labels)
    folder = tmp_path / "models"
    folder.mkdir()
    command = [
        sys.executable, "-m", "smallflow", "train", "--model", "mlp", "--data-dir", str(data),
        "--validation-size", "100", "--steps", "3", "--log-interval", "0",
        "--save", str(folder / "model.npz"),
    ]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    started = time.perf_counter()
    subprocess.run(command, env=env, capture_output=True, timeout=300, check=True)
    full = time.perf_counter() - started
    chooser = random.Random(0)
    for _ in range(50):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        # Most kills late in the run, where the save happens.
        time.sleep(full * chooser.uniform(0.5, 1.1))
        process.kill()
        process.wait()
        record = checkpoint_utils.read_checkpoint_metadata(folder / "model")
        assert record == _json_record(folder / "model.json")
        assert record == _record_in_npz(folder / "model.npz")
    subprocess.run(command, env=env, capture_output=True, timeout=300, check=True)
    assert sorted(p.name for p in folder.iterdir()) == ["model.json", "model.npz"]
