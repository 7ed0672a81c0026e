"""``Session.partial_run_setup`` / ``partial_run``: one step of a graph run in several calls.

TensorFlow 1.x runs a partial run's nodes at most once: later calls feed more inputs and
fetch more outputs while the values computed before are kept. Here each call is an
ordinary ``Session.run`` of the call's fetches, fed with everything fed so far and with
every tensor earlier calls computed (they are fetched along with the requested ones and
kept), so no op of an earlier call runs again.
"""

import itertools

from . import errors

__all__ = ["PartialRun", "run", "setup"]
from .graph import Tensor

_HANDLES = itertools.count()


class PartialRun:
    """The state of one partial run: what may be fed and fetched, what was."""

    def __init__(self, session, fetches, feeds):
        from .session_feeds import Fetches

        self.allowed_fetches = set(Fetches(session.graph, fetches).elements)
        self.allowed_feeds = {session._feed_key(key) for key in (feeds or [])}
        self.fed = {}
        self.computed = {}
        self.fetched = set()


def setup(session, fetches, feeds=None):
    """A new partial run's handle (a string, as TensorFlow's)."""
    handle = f"partial_run_{next(_HANDLES)}"
    session._partial_runs[handle] = PartialRun(session, fetches, feeds)
    return handle


def run(session, handle, fetches, feed_dict=None):
    """The values of ``fetches`` in the partial run ``handle``, feeding ``feed_dict``."""
    from .session import _prune_and_order
    from .session_feeds import Fetches

    state = session._partial_runs.get(handle)
    if state is None:
        raise errors.InvalidArgumentError(
            None, None, f"Must run 'setup' before performing partial runs! (handle {handle!r})")
    keys, values = session._resolve_feeds(feed_dict)
    for key in keys:
        if key not in state.allowed_feeds:
            raise errors.InvalidArgumentError(
                None, None, f"Input to feed {key.name} was not specified in "
                "partial_run_setup.")
        if key in state.fed:
            raise errors.InvalidArgumentError(
                None, None, f"The feed {key.name} has already been fed.")
    spec = Fetches(session.graph, fetches)
    for element in spec.elements:
        if element not in state.allowed_fetches:
            raise errors.InvalidArgumentError(
                None, None, f"Fetch {element.name} was not specified in partial_run_setup.")
        if element in state.fetched:
            raise errors.InvalidArgumentError(
                None, None, f"The fetch {element.name} has already been fetched.")
    state.fed.update(zip(keys, values))
    known = {**state.computed, **state.fed}
    ops = _prune_and_order(spec.elements, known)
    produced = [t for op in ops for t in op.outputs
                if t not in known and t.dtype.base_dtype != "resource"]
    extra = [t for t in produced if t not in spec.elements]
    results = session.run([*spec.elements, *extra], feed_dict=known)
    requested = results[:len(spec.elements)]
    for tensor, value in zip([*spec.elements, *extra], results):
        if isinstance(tensor, Tensor):
            state.computed[tensor] = value
    state.fetched.update(spec.elements)
    if state.fetched >= state.allowed_fetches:
        # Every fetch made: the step is over and its handle is gone, as in TensorFlow.
        del session._partial_runs[handle]
    return spec.rebuild(requested)

