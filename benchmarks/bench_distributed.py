"""Data-parallel CNN training over MPI on this machine: 1 process x 2 threads vs 2 x 1.

    python benchmarks/bench_distributed.py [--steps 20] [--batch-size 50]

Trains the follow-up tutorial's CNN (``smallflow train --model cnn``'s graph, Adam) on
random images, timing steps after a warm-up:

* one process with 2 BLAS threads, batch B;
* an MPI job of 2 processes with 1 BLAS thread each (``mpirun -np 2``), batch B per process
  (global batch 2B), gradients averaged by ``DistributedOptimizer``.

It prints images per second for each, and, for the 2-process job, the share of a step spent
in the gradient allreduce, measured two ways in the same processes: the fused allreduce of
the CNN's gradient-sized buffers (3.3 M floats) run alone, and the distributed step minus a
step of the same model with a plain optimizer. The load average is printed beside, since
the machine may be shared. Needs ``pip install "smallflow[mpi]"``.
"""

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

import numpy as np

SRC = pathlib.Path(__file__).resolve().parents[1] / "src"


def _median_ms(run, steps):
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def worker(args):
    import smallflow as tf
    from smallflow import config, models

    hvd = None
    if args.distributed:
        import smallflow.distribute as hvd

        hvd.init()
    config.set_threads(args.threads)
    rng = np.random.default_rng(0)
    images = rng.random((args.batch_size, 784), dtype=np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, args.batch_size)]
    wrap = hvd.DistributedOptimizer if hvd else None
    graph = models.build_graph("cnn", "adam", 1e-3, seed=0, wrap_optimizer=wrap)
    local = models.build_graph("cnn", "adam", 1e-3, seed=0)
    report = {"threads": args.threads, "batch_size": args.batch_size}
    with tf.Session(graph=graph.graph) as sess, tf.Session(graph=local.graph) as local_sess:
        sess.run(graph.initializer)
        local_sess.run(local.initializer)
        feed = {graph.images: images, graph.labels: labels, graph.keep_prob: 0.5}
        local_feed = {local.images: images, local.labels: labels, local.keep_prob: 0.5}

        def step():
            sess.run(graph.train_op, feed_dict=feed)

        def local_step():
            local_sess.run(local.train_op, feed_dict=local_feed)

        for _ in range(3):
            step()
            local_step()
        # Alternate the two kinds of step so that both see the same machine.
        distributed_ms, local_ms = [], []
        for _ in range(args.steps):
            distributed_ms.append(_median_ms(step, 1))
            local_ms.append(_median_ms(local_step, 1))
        report["step_ms"] = float(np.median(distributed_ms))
        report["local_step_ms"] = float(np.median(local_ms))
        if hvd:
            with graph.graph.as_default():
                shapes = [v.shape.as_list() for v in graph.model_variables]
                holders = [tf.placeholder(tf.float32, s) for s in shapes]
                reduced = hvd.grouped_allreduce(holders)
            zeros = {h: np.zeros(s, np.float32) for h, s in zip(holders, shapes)}
            sess.run(reduced, feed_dict=zeros)
            report["allreduce_ms"] = _median_ms(lambda: sess.run(reduced, feed_dict=zeros),
                                                args.steps)
            report["parameters"] = int(sum(np.prod(s) for s in shapes))
            report["processes"] = hvd.size()
        else:
            report["processes"] = 1
    processes = report["processes"]
    report["images_per_second"] = processes * args.batch_size / (report["step_ms"] / 1000)
    if not hvd or hvd.rank() == 0:
        print(json.dumps(report))


def _run(command, env):
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False,
                            stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        sys.exit(f"benchmark run failed: {' '.join(command)}\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--distributed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    mpirun = pathlib.Path(sys.executable).parent / "mpirun"
    mpirun = str(mpirun) if mpirun.exists() else shutil.which("mpirun")
    if mpirun is None:
        sys.exit('mpirun not found: pip install "smallflow[mpi]"')
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]))
    env.pop("OPENBLAS_NUM_THREADS", None)
    env.pop("OMP_NUM_THREADS", None)
    me = [sys.executable, __file__, "--worker", "--steps", str(args.steps),
          "--batch-size", str(args.batch_size)]
    load_before = os.getloadavg()[0]
    single = _run([*me, "--threads", "2"], env)
    launch = [mpirun, "-np", "2", "--oversubscribe", "-x", "PYTHONPATH"]
    if os.geteuid() == 0:
        launch.append("--allow-run-as-root")
    double = _run([*launch, *me, "--threads", "1", "--distributed"], env)
    load_after = os.getloadavg()[0]

    print(f"CNN training step, batch {args.batch_size} per process, median of {args.steps} "
          f"steps (load average {load_before:.1f} -> {load_after:.1f} on "
          f"{os.cpu_count()} cores)")
    print(f"  1 process  x 2 threads: {single['step_ms']:7.1f} ms/step  "
          f"{single['images_per_second']:7.0f} images/s")
    print(f"  2 processes x 1 thread: {double['step_ms']:7.1f} ms/step  "
          f"{double['images_per_second']:7.0f} images/s (global batch "
          f"{2 * args.batch_size})")
    print(f"  speed-up of 2 processes over 1: "
          f"{double['images_per_second'] / single['images_per_second']:.2f}x")
    share = double["allreduce_ms"] / double["step_ms"]
    extra = (double["step_ms"] - double["local_step_ms"]) / double["step_ms"]
    print(f"  allreduce of {double['parameters']:,} gradient values alone: "
          f"{double['allreduce_ms']:.1f} ms = {100 * share:.0f}% of a distributed step")
    print(f"  distributed step vs the same step without averaging: "
          f"{double['local_step_ms']:.1f} ms -> {double['step_ms']:.1f} ms "
          f"({100 * extra:.0f}% of the step is communication and waiting)")


if __name__ == "__main__":
    main()
