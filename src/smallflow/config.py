"""How many BLAS threads smallflow's kernels use, and the policy that picks the number.

The heavy kernels (matrix products, convolutions as matrix products) run in NumPy's BLAS,
whose threads are the only parallelism smallflow has. A fixed thread count is wrong on a
shared machine: a BLAS call splits its work evenly between its threads and waits for the
slowest, so when another process holds one of two cores, two threads make every product wait
for a thread that only gets half a core (measured: a CNN step of 0.1 s took 1.4 s). So:

* ``set_threads(n)`` with ``n >= 1`` fixes the count (``--threads N`` on the command line,
  ``ConfigProto(intra_op_parallelism_threads=n)`` for one session).
* ``set_threads(0)`` (the default) is the automatic policy: start with one thread, and every
  half second of running look at how much CPU *other* processes used (the machine's busy time
  from ``/proc/stat`` minus this process's own CPU time; a process running at nice 0 does
  not count the time of niced processes, which yield their core to it, unless the kernel
  groups processes by session (autogroup), where they do not). Use as many threads as there are
  cores nobody else is using, at least one, at most the cores this process may run on (and
  at most ``OPENBLAS_NUM_THREADS`` / ``OMP_NUM_THREADS`` / ``MKL_NUM_THREADS`` when the
  environment sets one). A core counts as free while others use at most half of it over
  the last second: a machine's background (editors, agents, the kernel; about 0.3 of a core
  on this project's machine) must not keep a second core from a training step that gains
  1.5x on it (issue 16: with a quarter-core margin a "quiet" machine got the second core for
  only 509 of 1,320 steps), while a core that another process keeps busy (others' use
  0.67-1.0 of it) is never granted. A busy core thus costs this process that core, not a
  collapse; whether a partly used core pays is the trial's question (next point).
* When that count is more than one, whether the extra threads pay is measured, not assumed:
  a session's plan (one compiled ``Session.run`` of given fetches and feeds: a training step)
  runs a few times at one thread and at the free cores' count in turns, and keeps the faster
  (more threads only when clearly faster) for the next 20 seconds, then is timed again (a
  choice of one thread when more were free holds 5 seconds: the load that made more threads
  lose may be gone by then, and the cores were free; a choice of more threads is timed again
  at once when others' use has risen by a quarter core since: a process that starts keeping
  a core busy beside our two threads is measured at only half to two thirds of it). Why:
  two threads do not always pay. The CNN's Winograd products are many small matrices that
  two BLAS threads split with a synchronisation each, its elementwise passes run on one core
  whatever the count, and an idle OpenBLAS thread spins on the second core; which side wins
  depends on the graph, the batch and the machine, so the policy asks the step itself. The
  default is thus never slower than one thread by more than the trials' noise, and uses the
  second core where it pays. Plans that run once (an initializer) keep the load's count.

The same module keeps the one memory setting of the process: freed arrays stay with the
allocator for reuse (see :func:`keep_freed_memory`).

``threadpoolctl`` changes the BLAS thread count at run time; it is imported the first time a
count has to be applied, so ``import smallflow`` stays light. Without it (or without a BLAS it
knows) the setting is kept and reported but nothing changes.
"""

import contextlib
import operator
import os
import time

# The user's setting: 0 means automatic.
_setting = int(os.environ.get("SMALLFLOW_THREADS", "0") or 0)
# Seconds of running between two looks at the machine's load (automatic policy).
_INTERVAL = 0.5
# A core counts as free when others use at most this much of it on average (see the
# module docstring: background use must not cost the second core, a busy core must).
_FREE_MARGIN = 0.5

_blas = None  # list of threadpoolctl library controllers, once looked up
_applied = None  # the count last given to the BLAS
_granted = None  # the cores the policy granted the current run (the BLAS may use fewer)
_next_check = 0.0  # time.monotonic() of the automatic policy's next look
_last_sample = None  # (wall time, machine busy seconds, own CPU seconds) of the last look
_older_sample = None  # the same of the look before it (None: none, or before a pause)
_automatic = 1  # the count the automatic policy chose last
_others = None  # cores' worth of CPU others used in the last look's window (None: unknown)

# Per-plan trials of one thread against more (see the module docstring).
_TRIAL_RUNS = 3  # timed runs at each count, after one untimed run at each
_TRIAL_EVERY = 20.0  # seconds a plan's choice holds before it is timed again
_TRIAL_EVERY_ONE = 5.0  # the same for a choice of one thread when more cores were free
# A choice of more threads is tried again at once when others' use rose by more than this
# (cores' worth) since its trial: what it measured no longer holds.
_LOAD_RISE = 0.25
_MARGIN = 0.97  # more threads are kept only when at least 3% faster (median against median)
_clock = time.perf_counter  # what trials time runs with (tests put a fake clock here)
_now = time.monotonic  # when the policy looks and choices expire (tests: a fake clock)
_own_cpu = time.process_time  # this process's CPU seconds, all threads (tests: a fake)


def set_threads(n):
    """Use ``n`` BLAS threads from now on (``0`` or ``None``: the automatic policy)."""
    global _setting, _next_check
    if n is None:
        n = 0
    try:
        if isinstance(n, bool):
            raise TypeError
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"set_threads: the number of threads must be an int, got {n!r}") from None
    if n < 0:
        raise ValueError(f"set_threads: the number of threads must be >= 0 (0 = automatic), "
                         f"got {n}")
    _setting = int(n)
    _next_check = 0.0
    if _setting:
        _grant(_setting)


def get_threads():
    """The setting: the fixed number of BLAS threads, or ``0`` for the automatic policy."""
    return _setting


def threads_in_use():
    """The number of cores the policy granted the current run (1 before anything ran).

    The BLAS uses as many threads, except inside kernels that split their batch over the
    cores themselves (batch_split.py, :func:`one_blas_thread`)."""
    if _granted is not None:
        return _granted
    if _applied is not None:
        return _applied
    return _setting or _automatic


@contextlib.contextmanager
def one_blas_thread():
    """Run the body with one BLAS thread, then give the BLAS its count back.

    For work split over the granted cores by Python threads (batch_split.py): each part's
    products then run on its own core, instead of two parts' products each waiting for
    BLAS threads that the other part keeps busy."""
    before = _applied
    if before is None or before == 1:
        yield
        return
    _set_blas(1)
    try:
        yield
    finally:
        _set_blas(before)


def max_threads():
    """The most threads the automatic policy will use: cores available, environment caps."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        value = os.environ.get(name, "").strip()
        if value.isdigit() and int(value) > 0:
            cores = min(cores, int(value))
    return max(1, cores)


def apply(requested=0, plan=None):
    """Give the BLAS the count for the coming work (``requested``: a session's own setting).

    Called at the start of every ``Session.run``; cheap unless the count changes or it is
    time for the automatic policy to look at the machine again. ``plan`` (an object with a
    ``thread_choice`` attribute, ``None`` at first: the session's compiled plan) lets the
    automatic policy time the plan at different counts; when this run is one of those timed,
    the return value is a token to hand to :func:`ran` once the run has finished, else None.
    """
    count = requested or _setting
    if count:
        _grant(count, plan)
        return None
    now = _now()
    if now >= _next_check:
        _reconsider(now)
    count = _automatic
    token = None
    if count > 1 and plan is not None:
        count, token = _plan_count(plan, count, now)
    _grant(count, plan)
    return token


def _grant(count, plan=None):
    """The coming work may use ``count`` cores: as many BLAS threads, or one BLAS thread
    when ``plan`` splits its big kernels over the cores itself (batch_split.py: a second
    BLAS thread would only spin on the core the other part needs after each product)."""
    global _granted
    _granted = count
    blas = 1 if count > 1 and getattr(plan, "splits_batch", False) else count
    if blas != _applied:
        _set_blas(blas)


def ran(token):
    """A timed run (the token :func:`apply` returned) has finished: record its time."""
    choice, count, start = token
    choice.record(count, _clock() - start, _now())


class _Choice:
    """One plan's trial of one thread against ``most``, and the count it chose."""

    __slots__ = ("most", "samples", "turn", "count", "until", "medians", "others")

    def __init__(self, most):
        self.most = most
        self.samples = {most: [], 1: []}
        self.turn = 0  # runs handed out so far: even ones at ``most``, odd ones at 1
        self.count = None  # the chosen count once the trial is over
        self.until = 0.0  # time.monotonic() until which the choice holds
        self.medians = None  # (seconds at ``most``, seconds at 1) that decided, for logs
        self.others = None  # others' use when it decided (None: unknown)

    def next_count(self):
        count = self.most if self.turn % 2 == 0 else 1
        self.turn += 1
        return count

    def record(self, count, seconds, now):
        if self.count is not None:
            return
        self.samples[count].append(seconds)
        many, one = self.samples[self.most], self.samples[1]
        # The first run at each count is not counted: a new plan's first runs allocate its
        # arrays and fill the caches. The later ones alternate too, so both counts pay the
        # same switching cost (a BLAS thread woken or put to sleep, microseconds).
        if min(len(many), len(one)) < _TRIAL_RUNS + 1:
            return
        self.medians = (_median(many[1:]), _median(one[1:]))
        faster = self.medians[0] < _MARGIN * self.medians[1]
        self.count = self.most if faster else 1
        self.until = now + (_TRIAL_EVERY if faster else _TRIAL_EVERY_ONE)
        self.others = _others

    def stale(self, now):
        """Whether the choice must be tried again: its time is over, or it chose more
        threads and others' use has risen since (a process that starts keeping a core busy
        beside our two threads measures only 0.5-0.67 of it, which may still leave the core
        counted free, while each split kernel now waits for the part on the shared core)."""
        if now >= self.until:
            return True
        return (self.count > 1 and self.others is not None and _others is not None
                and _others > self.others + _LOAD_RISE)


def _median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _plan_count(plan, most, now):
    """The count for this run of ``plan`` when ``most`` cores are free, and a token if timed."""
    choice = plan.thread_choice
    if choice is None or choice.most != most or (choice.count is not None
                                                 and choice.stale(now)):
        choice = plan.thread_choice = _Choice(most)
    if choice.count is not None:
        return choice.count, None
    count = choice.next_count()
    return count, (choice, count, _clock())


def policy_state():
    """What the automatic policy saw at its last look, for benchmarks' logs: a dict with
    ``others`` (cores' worth of CPU other processes used in the window, None before two
    looks), ``automatic`` (the cores it found free) and ``granted`` (the current run's)."""
    return {"others": _others, "automatic": _automatic, "granted": threads_in_use()}


def _reconsider(now):
    """The automatic policy: as many threads as cores other processes leave free.

    Others' use is measured over the last two windows (about a second): a background
    process's burst of half a second (0.6 of a core, then nothing) then counts as the 0.3
    it is on average instead of taking the second core for the next window, while a process
    that starts keeping a core busy (1.0 after 0.2 before) already makes the mean 0.6: one
    core from the first look after it started."""
    global _next_check, _last_sample, _older_sample, _automatic, _others
    _next_check = now + _INTERVAL
    sample = (now, _machine_busy_seconds(), _own_cpu())
    previous, older = _last_sample, _older_sample
    _older_sample, _last_sample = previous, sample
    if previous is None or sample[1] is None or previous[1] is None:
        count = 1  # no measurement yet: one thread is never wrong by much
    elif sample[0] - previous[0] > 5 * _INTERVAL:
        # Idle for a while (between runs): the window says little about now.
        count = _automatic
        _older_sample = None
    else:
        start = previous
        if older is not None and older[1] is not None and sample[0] - older[0] <= 5 * _INTERVAL:
            start = older
        others = (sample[1] - start[1]) - (sample[2] - start[2])
        _others = max(0.0, others / (sample[0] - start[0]))
        count = _free_cores(_others, max_threads())
    _automatic = count
    _grant(count)


def _free_cores(others, cores):
    """The cores of ``cores`` left free when other processes use ``others`` cores' worth:
    a core is free while they use at most ``_FREE_MARGIN`` of it; at least one."""
    return int(min(cores, max(1.0, cores - others + _FREE_MARGIN)))


def _machine_busy_seconds():
    """CPU seconds all processes have spent busy since boot (None where unknown)."""
    try:
        with open("/proc/stat", "rb") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != b"cpu":
        return None
    ticks = [int(value) for value in fields[1:]]
    # user nice system idle iowait irq softirq steal ...: idle and iowait are not busy.
    busy = sum(ticks[:8]) - ticks[3] - (ticks[4] if len(ticks) > 4 else 0)
    if _own_niceness() <= 0 and not _autogroups():
        # Processes at a positive nice value (background fillers) yield a core to this one:
        # against a process of nice 10 it gets ~90% of the core, against nice 15 ~97%. Their
        # time does not make a core busy for it. (A niced process of ours shares that
        # column with them, so then all of it counts.)
        busy -= ticks[1]
    return busy / _clock_ticks()


def _own_niceness():
    try:
        return os.getpriority(os.PRIO_PROCESS, 0)
    except (AttributeError, OSError):
        return 1  # unknown: count every process's time, as before


def _autogroups():
    """Whether the kernel schedules by session groups (``sched_autogroup``): a process's nice
    value then weighs only against its own session's processes, and a niced process of
    another session takes its group's full share of a core, yielding nothing (measured:
    a nice-0 step got a fifth of a core beside two sessions' trainings). Unknown: True."""
    try:
        with open("/proc/sys/kernel/sched_autogroup_enabled", "rb") as setting:
            return setting.read().strip() != b"0"
    except OSError:
        return not os.path.exists("/proc/stat")  # no such file: no autogroups on Linux


def _clock_ticks():
    try:
        return os.sysconf("SC_CLK_TCK")
    except (AttributeError, ValueError, OSError):
        return 100


def _set_blas(count):
    """Tell every BLAS loaded in the process to use ``count`` threads."""
    global _blas, _applied
    if _blas is None:
        _blas = _find_blas()
    for controller in _blas:
        # A BLAS that refuses keeps its own count.
        with contextlib.suppress(Exception):
            controller.set_num_threads(count)
    _applied = count


def _find_blas():
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return []
    import numpy  # noqa: F401 - its BLAS must be loaded for threadpoolctl to find it

    try:
        controller = ThreadpoolController()
    except Exception:  # noqa: BLE001 - an unusual platform: no control, no failure
        return []
    return [lib for lib in controller.lib_controllers if lib.user_api == "blas"]


# -- memory ---------------------------------------------------------------------------------------

# glibc mallopt parameters and the values the allocator tuning sets.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 32 * 2**20  # glibc's largest allowed value on 64-bit systems
_TRIM_THRESHOLD = 256 * 2**20
_allocator_tuned = False


def keep_freed_memory():
    """Let the C allocator keep freed arrays (up to 32 MB each) for the next ones; once.

    A training step allocates the same arrays every time (activations, gradients, the
    optimizer's new values: about 100 MB per step for the tutorial's CNN). glibc gives arrays
    over 128 KB their own fresh pages from the kernel and returns them when freed, so every
    step paid a page fault and a zero-fill per 4 KB (measured: a 40 MB Adam update 82 ms with
    fresh pages, 55 ms reusing them; copying three 13 MB arrays 33 ms against 15 ms). With a
    32 MB mmap threshold and a 256 MB trim threshold, freed blocks go back to the heap and
    the next step's arrays of the same sizes come from there: in effect a per-process arena
    that every kernel uses without being changed. The price: up to 256 MB of freed memory
    may stay with the process. Called when the first session is made; glibc only;
    ``SMALLFLOW_KEEP_FREED_MEMORY=0`` turns it off.
    """
    global _allocator_tuned
    if _allocator_tuned:
        return
    _allocator_tuned = True
    if os.environ.get("SMALLFLOW_KEEP_FREED_MEMORY", "1").strip() == "0":
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError, ImportError):
        return  # not glibc (musl, macOS, Windows): nothing to tune
    mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
    mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)


_CONV_ALGORITHMS = ("auto", "direct")
_conv_algorithm = None  # None: not chosen yet, read SMALLFLOW_CONV_ALGORITHM when first asked


def set_conv_algorithm(name):
    """How stride-1 convolutions are computed: ``"auto"`` (the default) or ``"direct"``.

    ``"auto"`` uses Winograd's minimal filtering (ops/winograd.py) for float32 convolutions
    with square 3x3 or 5x5 filters where that is faster (forward pass and input gradient):
    fewer multiplications, results within a few float32 roundings of the direct ones but not
    bit for bit. ``"direct"`` keeps the old numerics (im2col and one matrix product).
    ``SMALLFLOW_CONV_ALGORITHM`` sets the same from the environment.
    """
    global _conv_algorithm
    if name not in _CONV_ALGORITHMS:
        raise ValueError(f"set_conv_algorithm: the algorithm must be one of "
                         f"{', '.join(map(repr, _CONV_ALGORITHMS))}, got {name!r}")
    _conv_algorithm = name


def get_conv_algorithm():
    """The convolution algorithm setting, ``"auto"`` or ``"direct"``."""
    global _conv_algorithm
    if _conv_algorithm is None:
        value = os.environ.get("SMALLFLOW_CONV_ALGORITHM", "auto").strip().lower() or "auto"
        if value not in _CONV_ALGORITHMS:
            raise ValueError(f"SMALLFLOW_CONV_ALGORITHM must be one of "
                             f"{', '.join(map(repr, _CONV_ALGORITHMS))}, got {value!r}")
        _conv_algorithm = value
    return _conv_algorithm


class threading:  # noqa: N801 - TensorFlow's name: ``tf.config.threading``
    """``tf.config.threading``: TensorFlow's names for the same setting.

    There is one pool of threads (the BLAS's); ops run one after another, so the inter-op
    setting is recorded and reported but changes nothing.
    """

    _inter_op = 0

    @staticmethod
    def set_intra_op_parallelism_threads(num_threads):
        set_threads(num_threads)

    @staticmethod
    def get_intra_op_parallelism_threads():
        return get_threads()

    @staticmethod
    def set_inter_op_parallelism_threads(num_threads):
        threading._inter_op = operator.index(num_threads)

    @staticmethod
    def get_inter_op_parallelism_threads():
        return threading._inter_op


# tf.config's device functions (the answers of a CPU-only machine) and tf.config.experimental;
# imported last because they are re-exports, not part of the thread policy above.
from . import config_experimental as experimental  # noqa: E402, F401 - tf.config.experimental
from .config_devices import (  # noqa: E402, F401 - tf.config's device functions
    LogicalDevice,
    LogicalDeviceConfiguration,
    PhysicalDevice,
    get_logical_device_configuration,
    get_soft_device_placement,
    get_visible_devices,
    list_logical_devices,
    list_physical_devices,
    set_logical_device_configuration,
    set_soft_device_placement,
    set_visible_devices,
)
