"""Traced runs: ``Session.run`` with ``RunOptions(trace_level=...)`` times every op.

A traced run executes the same plan as an ordinary run, one kernel call at a time instead
of through the plan's compiled function, and records each op's start, duration and output
sizes into ``RunMetadata.step_stats`` (TensorFlow's layout: one device, its ``node_stats``).
Untraced runs never come here, so tracing costs nothing when it is not asked for.
"""

import threading
import time

import numpy as np

from . import errors
from .protos import (
    AllocationDescription,
    AllocatorMemoryUsed,
    DeviceStepStats,
    NodeExecStats,
    NodeOutput,
    RunMetadata,
    StepStats,
    TensorDescription,
)

DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"


def wants_trace(options):
    """True when ``options`` asks for a trace (any ``trace_level`` above NO_TRACE)."""
    return options is not None and (getattr(options, "trace_level", 0) or 0) > 0


def _input_names(op):
    return [t.op.name if t.value_index == 0 else t.name for t in op.inputs]


def _node_stats(op, start_us, end_us, outputs):
    described = []
    total = 0
    for slot, value in enumerate(outputs):
        if not isinstance(value, np.ndarray | np.generic):
            continue
        nbytes = int(value.nbytes)
        total += nbytes
        described.append(NodeOutput(slot=slot, tensor_description=TensorDescription(
            shape=None, allocation_description=AllocationDescription(
                requested_bytes=nbytes, allocated_bytes=nbytes, allocator_name="cpu"))))
    duration = max(end_us - start_us, 0)
    return NodeExecStats(
        node_name=op.name,
        all_start_micros=start_us,
        op_start_rel_micros=0,
        op_end_rel_micros=duration,
        all_end_rel_micros=duration,
        timeline_label=f"{op.name} = {op.type}({', '.join(_input_names(op))})",
        thread_id=threading.get_ident() & 0xFFFFFFFF,
        output=described,
        memory=[AllocatorMemoryUsed(allocator_name="cpu", total_bytes=total,
                                    peak_bytes=total)],
    )


def execute_traced(plan, values, run_metadata, wrap_error):
    """Run ``plan``'s steps on ``values`` (feeds already placed), timing each op.

    ``wrap_error(err, op)`` turns a kernel's exception into the session's error.
    """
    node_stats = []
    clock = time.time_ns
    with np.errstate(all="ignore"):
        for (kernel, ins, out), op in zip(plan.steps, plan.step_ops):
            start = clock()
            try:
                result = kernel(*[values[i] for i in ins])
            except (errors.OpError, ValueError, TypeError, IndexError, ArithmeticError,
                    MemoryError) as err:
                raise wrap_error(err, op) from err
            end = clock()
            if type(out) is int:
                values[out] = result
                outputs = (result,)
            else:
                outputs = tuple(result) if out else ()
                for slot, value in zip(out, outputs):
                    values[slot] = value
            node_stats.append(_node_stats(op, start // 1000, end // 1000, outputs))
    if run_metadata is not None:
        stats = StepStats(dev_stats=[DeviceStepStats(device=DEVICE, node_stats=node_stats)])
        if not isinstance(run_metadata, RunMetadata):  # a real RunMetadata message
            from . import tb_protos

            pb = tb_protos.load()
            run_metadata.step_stats.CopyFrom(stats.to_proto(pb.step_stats_pb2.StepStats))
        else:
            run_metadata.step_stats = stats
    return values
