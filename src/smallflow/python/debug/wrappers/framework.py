"""tfdbg's session wrapper framework: a ``Session`` whose ``run`` asks callbacks what to do.

``BaseDebugWrapperSession.run`` calls ``on_run_start`` (which answers: a debugged run, a
plain run), adds tensor watches to the run's ``RunOptions`` for a debugged run, runs the
wrapped session, and calls ``on_run_end``, as TensorFlow 1.x's wrappers do.
"""

import re
import threading

from .... import errors
from ....protos import RunMetadata, RunOptions
from ..lib import debug_utils


def _check_type(obj, expected):
    if not isinstance(obj, expected):
        raise TypeError(f"Expected type {expected}; got type {type(obj)}")


class OnSessionInitRequest:
    def __init__(self, sess):
        self.session = sess


class OnSessionInitAction:
    PROCEED = "proceed"
    REMOTE_INSTR_LOOP = "remote_instr_loop"


class OnSessionInitResponse:
    def __init__(self, action):
        self.action = action


class OnRunStartRequest:
    def __init__(self, fetches, feed_dict, run_options, run_metadata, run_call_count,
                 is_callable_runner=False):
        self.fetches = fetches
        self.feed_dict = feed_dict
        self.run_options = run_options
        self.run_metadata = run_metadata
        self.run_call_count = run_call_count
        self.is_callable_runner = is_callable_runner


class OnRunStartAction:
    DEBUG_RUN = "debug_run"
    PROFILE_RUN = "profile_run"
    NON_DEBUG_RUN = "non_debug_run"


class OnRunStartResponse:
    def __init__(self, action, debug_urls, debug_ops="DebugIdentity",
                 node_name_regex_whitelist=None, op_type_regex_whitelist=None,
                 tensor_dtype_regex_whitelist=None, tolerate_debug_op_creation_failures=False):
        _check_type(action, str)
        self.action = action
        _check_type(debug_urls, list)
        self.debug_urls = debug_urls
        self.debug_ops = debug_ops
        self.node_name_regex_whitelist = node_name_regex_whitelist
        self.op_type_regex_whitelist = op_type_regex_whitelist
        self.tensor_dtype_regex_whitelist = tensor_dtype_regex_whitelist
        self.tolerate_debug_op_creation_failures = tolerate_debug_op_creation_failures


class OnRunEndRequest:
    def __init__(self, performed_action, run_metadata=None, client_graph_def=None,
                 tf_error=None):
        _check_type(performed_action, str)
        self.performed_action = performed_action
        self.run_metadata = run_metadata
        self.client_graph_def = client_graph_def
        self.tf_error = tf_error


class OnRunEndResponse:
    pass


class WatchOptions:
    """What a ``watch_fn`` returns: the debug ops and the whitelists of a run's watches."""

    def __init__(self, debug_ops=None, node_name_regex_whitelist=None,
                 op_type_regex_whitelist=None, tensor_dtype_regex_whitelist=None,
                 tolerate_debug_op_creation_failures=False):
        self.debug_ops = debug_ops if debug_ops else ["DebugIdentity"]
        self.node_name_regex_whitelist = node_name_regex_whitelist
        self.op_type_regex_whitelist = op_type_regex_whitelist
        self.tensor_dtype_regex_whitelist = tensor_dtype_regex_whitelist
        self.tolerate_debug_op_creation_failures = tolerate_debug_op_creation_failures

    def __repr__(self):
        return (f"WatchOptions(debug_ops={self.debug_ops!r}, "
                f"node_name_regex_whitelist={self.node_name_regex_whitelist!r}, "
                f"op_type_regex_whitelist={self.op_type_regex_whitelist!r}, "
                f"tensor_dtype_regex_whitelist={self.tensor_dtype_regex_whitelist!r}, "
                f"tolerate_debug_op_creation_failures="
                f"{self.tolerate_debug_op_creation_failures!r})")


def _is_empty(fetches):
    if isinstance(fetches, dict):
        return all(_is_empty(v) for v in fetches.values())
    if isinstance(fetches, list | tuple):
        return all(_is_empty(v) for v in fetches)
    return False


class BaseDebugWrapperSession:
    """The common part of tfdbg's wrappers; subclasses give the three callbacks."""

    def __init__(self, sess, thread_name_filter=None, pass_through_operrors=False):
        self._sess = sess
        self._thread_name_filter = thread_name_filter
        self._thread_name_re = re.compile(thread_name_filter) if thread_name_filter else None
        self._pass_through_operrors = pass_through_operrors
        self._run_call_count = 0
        response = self.on_session_init(OnSessionInitRequest(self._sess))
        _check_type(response, OnSessionInitResponse)
        if response.action != OnSessionInitAction.PROCEED:
            raise ValueError(f"Invalid OnSessionInitAction value: {response.action}")
        self._default_session_context_manager = None

    graph = property(lambda self: self._sess.graph)
    graph_def = property(lambda self: self._sess.graph_def)
    sess_str = property(lambda self: self._sess.sess_str)
    session = property(lambda self: self._sess)
    run_call_count = property(lambda self: self._run_call_count)

    def increment_run_call_count(self):
        self._run_call_count += 1

    def _is_disabled_thread(self):
        name = threading.current_thread().name
        return self._thread_name_re is not None and not self._thread_name_re.match(name)

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None,
            callable_runner=None, callable_runner_args=None, callable_options=None):
        """``Session.run`` with the debugger's callbacks around it."""
        if callable_options is not None:
            raise NotImplementedError("callable_options (Session._make_callable_from_options) "
                                      "is not provided by smallflow")
        if callable_runner and (fetches or feed_dict):
            raise ValueError("callable_runner and fetches/feed_dict are mutually exclusive, "
                             "but are used simultaneously.")
        self.increment_run_call_count()
        if self._is_disabled_thread() or (not callable_runner and _is_empty(fetches)):
            if callable_runner:
                return callable_runner(*(callable_runner_args or ()))
            return self._sess.run(fetches, feed_dict=feed_dict, options=options,
                                  run_metadata=run_metadata)
        start = self.on_run_start(OnRunStartRequest(
            fetches, feed_dict, options, run_metadata, self._run_call_count,
            is_callable_runner=bool(callable_runner)))
        _check_type(start, OnRunStartResponse)
        if start.action == OnRunStartAction.DEBUG_RUN:
            retvals, end_request = self._run_with_debugging(
                start, fetches, feed_dict, options, run_metadata, callable_runner,
                callable_runner_args)
        elif start.action in (OnRunStartAction.NON_DEBUG_RUN, OnRunStartAction.PROFILE_RUN):
            if callable_runner:
                retvals = callable_runner(*(callable_runner_args or ()))
            else:
                retvals = self._sess.run(fetches, feed_dict=feed_dict, options=options,
                                         run_metadata=run_metadata)
            end_request = OnRunEndRequest(start.action, run_metadata=run_metadata)
        else:
            raise ValueError(f"Invalid OnRunStartAction value: {start.action}")
        _check_type(self.on_run_end(end_request), OnRunEndResponse)
        return retvals

    def _run_with_debugging(self, start, fetches, feed_dict, options, run_metadata,
                            callable_runner, callable_runner_args):
        options = options if options is not None else RunOptions()
        run_metadata = run_metadata if run_metadata is not None else RunMetadata()
        options.output_partition_graphs = True
        debug_utils.watch_graph(
            options, self._sess.graph, debug_urls=start.debug_urls,
            debug_ops=start.debug_ops,
            node_name_regex_whitelist=start.node_name_regex_whitelist,
            op_type_regex_whitelist=start.op_type_regex_whitelist,
            tensor_dtype_regex_whitelist=start.tensor_dtype_regex_whitelist,
            tolerate_debug_op_creation_failures=start.tolerate_debug_op_creation_failures,
            reset_disk_byte_usage=self._run_call_count == 1)
        tf_error = None
        try:
            if callable_runner:
                retvals = callable_runner(*(callable_runner_args or ()), options=options,
                                          run_metadata=run_metadata)
            else:
                retvals = self._sess.run(fetches, feed_dict=feed_dict, options=options,
                                         run_metadata=run_metadata)
        except errors.OpError as err:
            if self._pass_through_operrors:
                raise
            tf_error = err
            retvals = err
        return retvals, OnRunEndRequest(start.action, run_metadata=run_metadata,
                                        tf_error=tf_error)

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        runner = self._sess.make_callable(fetches, feed_list=feed_list, accept_options=True)

        def wrapped(*args, **kwargs):
            return self.run(None, feed_dict=None, options=kwargs.get("options"),
                            run_metadata=kwargs.get("run_metadata"), callable_runner=runner,
                            callable_runner_args=args)

        return wrapped

    def partial_run_setup(self, fetches, feeds=None):
        raise NotImplementedError("partial_run_setup is not implemented for debug-wrapper "
                                  "sessions.")

    def partial_run(self, handle, fetches, feed_dict=None):
        raise NotImplementedError("partial_run is not implemented for debug-wrapper "
                                  "sessions.")

    def list_devices(self, *args, **kwargs):
        return self._sess.list_devices(*args, **kwargs)

    def as_default(self):
        return self._sess.as_default()

    def __enter__(self):
        if self._default_session_context_manager is None:
            self._default_session_context_manager = self._sess.as_default()
        return self._default_session_context_manager.__enter__()

    def __exit__(self, exc_type, exc, tb):
        self._default_session_context_manager.__exit__(exc_type, exc, tb)
        self._sess.__exit__(exc_type, exc, tb)

    def close(self):
        self._sess.close()

    def should_stop(self):
        if hasattr(self._sess, "should_stop"):
            return self._sess.should_stop()
        raise ValueError("The wrapped session does not have a method called 'should_stop'.")

    def on_session_init(self, request):
        raise NotImplementedError

    def on_run_start(self, request):
        raise NotImplementedError

    def on_run_end(self, request):
        raise NotImplementedError


class NonInteractiveDebugWrapperSession(BaseDebugWrapperSession):
    """A wrapper that debugs every run without asking anyone: ``watch_fn(fetches, feeds)``
    (optional) gives each run's ``WatchOptions``; subclasses give the run's debug URLs."""

    def __init__(self, sess, watch_fn=None, thread_name_filter=None,
                 pass_through_operrors=False):
        BaseDebugWrapperSession.__init__(self, sess, thread_name_filter=thread_name_filter,
                                         pass_through_operrors=pass_through_operrors)
        if watch_fn is not None and not callable(watch_fn):
            raise TypeError("watch_fn is not callable")
        self._watch_fn = watch_fn

    def on_session_init(self, request):
        return OnSessionInitResponse(OnSessionInitAction.PROCEED)

    def prepare_run_debug_urls(self, fetches, feed_dict):
        raise NotImplementedError

    def _prepare_run_watch_config(self, fetches, feed_dict):
        debug_urls = self.prepare_run_debug_urls(fetches, feed_dict)
        if self._watch_fn is None:
            return debug_urls, WatchOptions()
        watch_options = self._watch_fn(fetches, feed_dict)
        if isinstance(watch_options, tuple):  # the older tuple form
            watch_options = WatchOptions(*watch_options)
        return debug_urls, watch_options

    def on_run_start(self, request):
        debug_urls, watch = self._prepare_run_watch_config(request.fetches, request.feed_dict)
        return OnRunStartResponse(
            OnRunStartAction.DEBUG_RUN, debug_urls, debug_ops=watch.debug_ops,
            node_name_regex_whitelist=watch.node_name_regex_whitelist,
            op_type_regex_whitelist=watch.op_type_regex_whitelist,
            tensor_dtype_regex_whitelist=watch.tensor_dtype_regex_whitelist,
            tolerate_debug_op_creation_failures=watch.tolerate_debug_op_creation_failures)

    def on_run_end(self, request):
        return OnRunEndResponse()
