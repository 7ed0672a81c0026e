"""tfdbg's ``SessionRunHook``s: the CLI and dumping wrappers for ``MonitoredSession`` and
Estimators."""

from ....protos import RunOptions
from ....train.session_run_hook import SessionRunArgs, SessionRunHook
from ..lib import debug_utils
from . import dumping_wrapper, framework, local_cli_wrapper


class LocalCLIDebugHook(SessionRunHook):
    """``LocalCLIDebugWrapperSession`` as a hook: the command line around each run."""

    def __init__(self, ui_type="curses", dump_root=None, thread_name_filter=None,
                 config_file_path=None):
        self._ui_type = ui_type
        self._dump_root = dump_root
        self._thread_name_filter = thread_name_filter
        self._config_file_path = config_file_path
        self._session_wrapper = None
        self._pending_tensor_filters = {}

    def add_tensor_filter(self, filter_name, tensor_filter):
        if self._session_wrapper is not None:
            self._session_wrapper.add_tensor_filter(filter_name, tensor_filter)
        else:
            self._pending_tensor_filters[filter_name] = tensor_filter

    def begin(self):
        pass

    def before_run(self, run_context):
        if self._session_wrapper is None:
            self._session_wrapper = local_cli_wrapper.LocalCLIDebugWrapperSession(
                run_context.session, ui_type=self._ui_type, dump_root=self._dump_root,
                thread_name_filter=self._thread_name_filter)
            for name, tensor_filter in self._pending_tensor_filters.items():
                self._session_wrapper.add_tensor_filter(name, tensor_filter)
        wrapper = self._session_wrapper
        wrapper.increment_run_call_count()
        request = run_context.original_args
        on_run_start = wrapper.on_run_start(framework.OnRunStartRequest(
            request.fetches, request.feed_dict, None, None, wrapper.run_call_count))
        self._performed_action = on_run_start.action
        options = RunOptions()
        if on_run_start.action == framework.OnRunStartAction.DEBUG_RUN:
            options.output_partition_graphs = True
            debug_utils.watch_graph(
                options, run_context.session.graph, debug_urls=on_run_start.debug_urls,
                debug_ops=on_run_start.debug_ops,
                node_name_regex_whitelist=on_run_start.node_name_regex_whitelist,
                op_type_regex_whitelist=on_run_start.op_type_regex_whitelist,
                tensor_dtype_regex_whitelist=on_run_start.tensor_dtype_regex_whitelist,
                tolerate_debug_op_creation_failures=(
                    on_run_start.tolerate_debug_op_creation_failures))
        return SessionRunArgs(None, feed_dict=None, options=options)

    def after_run(self, run_context, run_values):
        self._session_wrapper.on_run_end(framework.OnRunEndRequest(
            self._performed_action, run_values.run_metadata))


class DumpingDebugHook(SessionRunHook):
    """``DumpingDebugWrapperSession`` as a hook: every run's tensors dumped under
    ``session_root``."""

    def __init__(self, session_root, watch_fn=None, thread_name_filter=None,
                 log_usage=True):
        del log_usage
        self._session_root = session_root
        self._watch_fn = watch_fn
        self._thread_name_filter = thread_name_filter
        self._session_wrapper = None

    def begin(self):
        pass

    def before_run(self, run_context):
        reset_disk_byte_usage = False
        if self._session_wrapper is None:
            self._session_wrapper = dumping_wrapper.DumpingDebugWrapperSession(
                run_context.session, self._session_root, watch_fn=self._watch_fn,
                thread_name_filter=self._thread_name_filter)
            reset_disk_byte_usage = True
        wrapper = self._session_wrapper
        wrapper.increment_run_call_count()
        request = run_context.original_args
        debug_urls, watch = wrapper._prepare_run_watch_config(request.fetches,
                                                              request.feed_dict)
        options = RunOptions()
        options.output_partition_graphs = True
        debug_utils.watch_graph(
            options, run_context.session.graph, debug_urls=debug_urls,
            debug_ops=watch.debug_ops,
            node_name_regex_whitelist=watch.node_name_regex_whitelist,
            op_type_regex_whitelist=watch.op_type_regex_whitelist,
            tensor_dtype_regex_whitelist=watch.tensor_dtype_regex_whitelist,
            tolerate_debug_op_creation_failures=watch.tolerate_debug_op_creation_failures,
            reset_disk_byte_usage=reset_disk_byte_usage)
        return SessionRunArgs(None, feed_dict=None, options=options)

    def after_run(self, run_context, run_values):
        pass
