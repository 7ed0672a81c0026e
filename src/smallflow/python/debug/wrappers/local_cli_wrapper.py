"""tfdbg's ``LocalCLIDebugWrapperSession``: a command line before and after ``Session.run``.

TensorFlow 1.x opens a curses (or readline) screen at the start of a run, takes ``run``
commands (``-t N`` runs through N runs, ``-n`` without debugging, ``-f FILTER`` until a
dumped tensor passes a filter such as ``has_inf_or_nan``) and, after a debugged run, the
analyzer's commands over the run's dump. smallflow keeps that state machine and a plain
line interface with the commands that inspect a run: ``run``, ``run_info`` (``ri``),
``print_feed`` (``pf``), ``list_tensors`` (``lt``), ``print_tensor`` (``pt``),
``node_info`` (``ni``), ``list_inputs`` (``li``), ``list_outputs`` (``lo``), ``help``,
``exit``. Both ``ui_type`` values give that interface (there is no curses screen).
**Ours:** at the end of input (a program run without a terminal) the debugger says so once
and lets every later run go through undebugged, where TensorFlow's readline UI raises
``EOFError``.
"""

import argparse
import os
import re
import shlex
import shutil
import sys
import tempfile
import uuid

import numpy as np

from ..lib import debug_data
from . import framework

_UI_TYPES = ("curses", "readline")


class _Exit(Exception):
    """A command that ends the prompt with a run-start response (or the user's exit)."""

    def __init__(self, token):
        super().__init__(token)
        self.token = token


def _run_parser():
    parser = argparse.ArgumentParser(prog="run", add_help=False, exit_on_error=False)
    parser.add_argument("-t", "--times", type=int, default=1)
    parser.add_argument("-n", "--no_debug", action="store_true")
    parser.add_argument("-f", "--till_filter_pass", default="")
    parser.add_argument("-feon", "--filter_exclude_node_names", default="")
    parser.add_argument("--node_name_filter", default="")
    parser.add_argument("--op_type_filter", default="")
    parser.add_argument("--tensor_dtype_filter", default="")
    parser.add_argument("-p", "--profile", action="store_true")
    return parser


def _lt_parser():
    parser = argparse.ArgumentParser(prog="list_tensors", add_help=False, exit_on_error=False)
    parser.add_argument("-n", "--node_name_filter", default="")
    parser.add_argument("-t", "--op_type_filter", default="")
    parser.add_argument("-f", "--tensor_filter", default="")
    return parser


def _element_name(element):
    return getattr(element, "name", str(element))


class LocalCLIDebugWrapperSession(framework.BaseDebugWrapperSession):
    """``Session.run`` with tfdbg's command line at run start and after debugged runs."""

    def __init__(self, sess, dump_root=None, log_usage=True, ui_type="curses",
                 thread_name_filter=None, config_file_path=False):
        del log_usage, config_file_path
        framework.BaseDebugWrapperSession.__init__(self, sess,
                                                   thread_name_filter=thread_name_filter)
        if not dump_root:
            # A fresh name (not a folder yet: the first debugged run makes it), as TF's.
            self._dump_root = os.path.join(tempfile.gettempdir(),
                                           f"tfdbg_{uuid.uuid4().hex[:8]}")
        else:
            dump_root = os.path.expanduser(dump_root)
            if os.path.isfile(dump_root):
                raise ValueError(f"dump_root path points to a file: {dump_root}")
            if os.path.isdir(dump_root) and os.listdir(dump_root):
                raise ValueError(f"dump_root path points to a non-empty directory: {dump_root}")
            self._dump_root = dump_root
        if ui_type not in _UI_TYPES:
            raise ValueError(f"Invalid ui_type: '{ui_type}'")
        self._ui_type = ui_type
        self._tensor_filters = {}
        self.add_tensor_filter("has_inf_or_nan", debug_data.has_inf_or_nan)
        self._active_tensor_filter = None
        self._active_filter_exclude_node_names = None
        self._active_tensor_filter_run_start_response = None
        self._run_through_times = 1
        self._skip_debug = False
        self._run_start_response = None
        self._end_of_input = False
        self._feed_dict = None
        self._fetches = None
        self._dump = None
        # The line interface: where commands come from and where answers go (tests
        # replace them).
        self._read_command = input
        self._write = print

    def add_tensor_filter(self, filter_name, tensor_filter):
        """Name ``tensor_filter(datum, tensor) -> bool`` for ``run -f`` and ``lt -f``."""
        self._tensor_filters[filter_name] = tensor_filter

    def on_session_init(self, request):
        return framework.OnSessionInitResponse(framework.OnSessionInitAction.PROCEED)

    # -- run start ------------------------------------------------------------------------
    def on_run_start(self, request):
        self._run_call_count = request.run_call_count
        self._feed_dict = request.feed_dict
        self._fetches = request.fetches
        self._run_through_times -= 1
        if self._active_tensor_filter:
            return self._active_tensor_filter_run_start_response
        self._exit_if_requested_by_user()
        if self._end_of_input:
            return framework.OnRunStartResponse(framework.OnRunStartAction.NON_DEBUG_RUN, [])
        if self._run_call_count > 1 and not self._skip_debug:
            if self._run_through_times > 0:
                return framework.OnRunStartResponse(framework.OnRunStartAction.NON_DEBUG_RUN, [])
            if self._run_through_times == 0:
                return self._run_start_response or framework.OnRunStartResponse(
                    framework.OnRunStartAction.DEBUG_RUN, self._get_run_debug_urls())
        if self._run_start_response is None:
            self._write(f"run-start: {self._run_description()}")
            self._run_start_response = self._prompt()
            if self._active_tensor_filter:
                self._active_tensor_filter_run_start_response = self._run_start_response
            if self._run_through_times > 1:
                self._run_through_times -= 1
        self._exit_if_requested_by_user()
        return self._run_start_response

    def _exit_if_requested_by_user(self):
        if self._run_start_response == "exit":
            print("Note: user exited from debugger CLI: Calling sys.exit(1).", file=sys.stderr)
            sys.exit(1)

    def _get_run_debug_urls(self):
        return ["file://" + self._dump_root]

    def _run_description(self):
        fetches = self._fetches
        if isinstance(fetches, list | tuple | dict):
            count = len(fetches)
            what = f"{count} fetch{'es' if count != 1 else ''}"
        else:
            what = f"1 fetch ({_element_name(fetches)})"
        feeds = len(self._feed_dict) if self._feed_dict else 0
        return (f"run #{self._run_call_count}: {what}; {feeds} "
                f"feed{'s' if feeds != 1 else ''}")

    # -- run end --------------------------------------------------------------------------
    def on_run_end(self, request):
        if request.performed_action == framework.OnRunStartAction.DEBUG_RUN:
            partition_graphs = None
            if request.run_metadata is not None and request.run_metadata.partition_graphs:
                partition_graphs = request.run_metadata.partition_graphs
            if request.tf_error is not None and not os.path.isdir(self._dump_root):
                raise request.tf_error
            dump = debug_data.DebugDumpDir(self._dump_root, partition_graphs=partition_graphs)
            dump.set_python_graph(self._sess.graph)
            passed = None
            if self._active_tensor_filter:
                found = dump.find(self._tensor_filters[self._active_tensor_filter], first_n=1,
                                  exclude_node_names=self._active_filter_exclude_node_names)
                if not found:
                    self._remove_dump_root()
                    return framework.OnRunEndResponse()
                passed = self._active_tensor_filter
                self._active_tensor_filter = None
                self._active_filter_exclude_node_names = None
            self._dump = dump
            if request.tf_error is not None:
                self._write(f"run-end: error: {type(request.tf_error).__name__}: "
                            f"{request.tf_error.message}")
            elif passed:
                self._write(f"run-end: {self._run_description()}; tensors passing filter "
                            f"'{passed}':")
                self._list_tensors(["-f", passed])
            else:
                self._write(f"run-end: {self._run_description()}")
                self._list_tensors([])
            self._run_start_response = self._prompt()
            self._dump = None
            self._remove_dump_root()
        else:
            self._run_start_response = None
        return framework.OnRunEndResponse()

    def _remove_dump_root(self):
        if os.path.isdir(self._dump_root):
            shutil.rmtree(self._dump_root)

    # -- the command line -----------------------------------------------------------------
    def _prompt(self):
        """Read and answer commands until one decides the next run; its response."""
        handlers = {
            "run": self._run_handler, "r": self._run_handler,
            "run_info": self._run_info, "ri": self._run_info,
            "print_feed": self._print_feed, "pf": self._print_feed,
            "list_tensors": self._list_tensors, "lt": self._list_tensors,
            "print_tensor": self._print_tensor, "pt": self._print_tensor,
            "node_info": self._node_info, "ni": self._node_info,
            "list_inputs": self._list_inputs, "li": self._list_inputs,
            "list_outputs": self._list_outputs, "lo": self._list_outputs,
            "help": self._help, "h": self._help,
        }
        while True:
            try:
                line = self._read_command("tfdbg> ")
            except EOFError:
                self._write("Note: end of input: the debugger lets the remaining runs go "
                            "through without debugging.")
                self._end_of_input = True
                return framework.OnRunStartResponse(framework.OnRunStartAction.NON_DEBUG_RUN,
                                                    [])
            words = shlex.split(line)
            if not words:
                continue
            command, args = words[0], words[1:]
            if command in ("exit", "quit"):
                return "exit"
            handler = handlers.get(command)
            if handler is None:
                self._write(f'ERROR: Invalid command prefix "{command}"')
                continue
            try:
                handler(args)
            except _Exit as done:
                return done.token
            except (ValueError, KeyError, LookupError, argparse.ArgumentError) as err:
                self._write(f"ERROR: {err}")

    def _help(self, args):
        del args
        self._write("Commands: run [-t N] [-n] [-f FILTER], run_info (ri), print_feed (pf), "
                    "list_tensors (lt) [-n REGEX] [-t REGEX] [-f FILTER], print_tensor (pt) "
                    "NAME[:SLOT], node_info (ni), list_inputs (li), list_outputs (lo), exit")

    def _run_handler(self, args):
        parsed = _run_parser().parse_args(args)
        if parsed.filter_exclude_node_names and not parsed.till_filter_pass:
            raise ValueError("The --filter_exclude_node_names (or -feon) flag is valid only "
                             "if the --till_filter_pass (or -f) flag is used.")
        if parsed.profile:
            raise _Exit(framework.OnRunStartResponse(framework.OnRunStartAction.PROFILE_RUN, []))
        self._skip_debug = parsed.no_debug
        self._run_through_times = parsed.times
        if parsed.times > 1 or parsed.no_debug:
            action, urls = framework.OnRunStartAction.NON_DEBUG_RUN, []
        else:
            action, urls = framework.OnRunStartAction.DEBUG_RUN, self._get_run_debug_urls()
        response = framework.OnRunStartResponse(
            action, urls, node_name_regex_whitelist=parsed.node_name_filter or None,
            op_type_regex_whitelist=parsed.op_type_filter or None,
            tensor_dtype_regex_whitelist=parsed.tensor_dtype_filter or None)
        if parsed.till_filter_pass:
            if parsed.till_filter_pass not in self._tensor_filters:
                self._write(f'ERROR: tensor filter "{parsed.till_filter_pass}" does not exist.')
                return
            self._active_tensor_filter = parsed.till_filter_pass
            self._active_filter_exclude_node_names = parsed.filter_exclude_node_names or None
            self._active_tensor_filter_run_start_response = response
        raise _Exit(response)

    def _run_info(self, args):
        del args
        self._write(f"{self._run_description()}")
        fetches = self._fetches
        items = fetches if isinstance(fetches, list | tuple) else (
            list(fetches.values()) if isinstance(fetches, dict) else [fetches])
        self._write("Fetch(es):")
        for item in items:
            self._write(f"  {_element_name(item)}")
        self._write("Feed dict:" if self._feed_dict else "Feed dict: (Empty)")
        for key in self._feed_dict or {}:
            self._write(f"  {_element_name(key)}")

    def _print_feed(self, args):
        if not args:
            raise ValueError("print_feed needs the name of a fed tensor")
        for key, value in (self._feed_dict or {}).items():
            name = _element_name(key)
            if args[0] in (name, name.split(":")[0]):
                self._write(f'Tensor "{name}" (fed):')
                self._write(repr(np.asarray(value)))
                return
        raise ValueError(f"The feed_dict of the current run does not contain the key "
                         f"{args[0]}")

    def _needs_dump(self):
        if self._dump is None:
            raise LookupError("No debug dump: this command works after a debugged run")
        return self._dump

    def _list_tensors(self, args):
        dump = self._needs_dump()
        parsed = _lt_parser().parse_args(args)
        name_re = re.compile(parsed.node_name_filter) if parsed.node_name_filter else None
        type_re = re.compile(parsed.op_type_filter) if parsed.op_type_filter else None
        predicate = None
        if parsed.tensor_filter:
            if parsed.tensor_filter not in self._tensor_filters:
                raise ValueError(f'There is no tensor filter named "{parsed.tensor_filter}".')
            predicate = self._tensor_filters[parsed.tensor_filter]
        data = dump.find(predicate) if predicate else dump.dumped_tensor_data
        rows = []
        for datum in data:
            if name_re is not None and not name_re.match(datum.node_name):
                continue
            op_type = (dump.node_op_type(datum.node_name)
                       if dump.node_exists(datum.node_name) else "?")
            if type_re is not None and not type_re.match(op_type):
                continue
            rel_ms = (datum.timestamp - dump.t0) / 1000.0
            rows.append(f"[{rel_ms:.3f}] {datum.dump_size_bytes} B {op_type} "
                        f"{datum.tensor_name}")
        self._write(f"{len(rows)} dumped tensor(s):")
        for row in rows:
            self._write(row)

    def _print_tensor(self, args):
        dump = self._needs_dump()
        if not args:
            raise ValueError("print_tensor needs a tensor name (node:slot)")
        name = args[0]
        node, _, slot = name.partition(":")
        slot = int(slot) if slot else 0
        matching = [d for d in dump.dumped_tensor_data
                    if d.node_name == node and d.output_slot == slot]
        if not matching:
            raise ValueError(f'Tensor "{node}:{slot}" did not generate any dumps.')
        for datum in matching:
            value = datum.get_tensor()
            self._write(f'Tensor "{datum.watch_key}":')
            if isinstance(value, np.ndarray):
                self._write(f"  dtype: {value.dtype}")
                self._write(f"  shape: {value.shape}")
            self._write(repr(value))

    def _node_info(self, args):
        dump = self._needs_dump()
        if not args:
            raise ValueError("node_info needs a node name")
        node = args[0].split(":")[0]
        self._write(f"Node {node}")
        self._write(f"  Op: {dump.node_op_type(node)}")
        self._write(f"  Device: {dump.node_device(node)}")
        self._write(f"  {len(dump.node_inputs(node))} input(s) + "
                    f"{len(dump.node_inputs(node, is_control=True))} control input(s):")
        for inp in dump.node_inputs(node):
            self._write(f"    [{dump.node_op_type(inp) if dump.node_exists(inp) else '?'}] "
                        f"{inp}")
        recipients = dump.node_recipients(node)
        self._write(f"  {len(recipients)} recipient(s):")
        for rec in recipients:
            self._write(f"    [{dump.node_op_type(rec)}] {rec}")

    def _list_inputs(self, args):
        dump = self._needs_dump()
        node = args[0].split(":")[0] if args else ""
        self._write(f'Inputs to node "{node}":')
        for inp in dump.node_inputs(node):
            self._write(f"  |- ({dump.node_op_type(inp) if dump.node_exists(inp) else '?'}) "
                        f"{inp}")

    def _list_outputs(self, args):
        dump = self._needs_dump()
        node = args[0].split(":")[0] if args else ""
        self._write(f'Recipients of node "{node}":')
        for rec in dump.node_recipients(node):
            self._write(f"  |- ({dump.node_op_type(rec)}) {rec}")
