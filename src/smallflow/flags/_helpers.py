"""Helpers of ``tf.app.flags``: which module is defining a flag, help-text wrapping."""

import os
import shutil
import sys
import textwrap

# Modules of this package: frames in them are skipped when looking for the defining module.
_OWN_MODULES = {"smallflow.flags", "smallflow.app"}
_DEFAULT_HELP_WIDTH = 80
_MIN_HELP_WIDTH = 40


def _is_own(module_name):
    return any(module_name == own or module_name.startswith(own + ".") for own in _OWN_MODULES)


def calling_module_name():
    """The module name of the first caller outside this package (``sys.argv[0]`` for the
    main program, as absl reports it)."""
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if not _is_own(name):
            if name == "__main__" and sys.argv and sys.argv[0]:
                return sys.argv[0]
            return name
        frame = frame.f_back
    return "<unknown>"


def get_help_width():
    """The width help text is wrapped to: the terminal's, else 80 columns."""
    if not sys.stdout.isatty():
        return _DEFAULT_HELP_WIDTH
    columns = shutil.get_terminal_size((_DEFAULT_HELP_WIDTH, 24)).columns
    return max(columns, _MIN_HELP_WIDTH)


def text_wrap(text, length=None, indent="", firstline_indent=None):
    """Wrap ``text`` to ``length`` columns (the help width by default), each line starting
    with ``indent`` (the first with ``firstline_indent``, ``indent`` when None); line breaks
    already in ``text`` are kept."""
    if length is None:
        length = get_help_width()
    if firstline_indent is None:
        firstline_indent = indent
    if len(indent) >= length:
        raise ValueError("Length of indent exceeds length")
    if len(firstline_indent) >= length:
        raise ValueError("Length of first line indent exceeds length")
    text = text.expandtabs(4)
    result = []
    wrapper = textwrap.TextWrapper(width=length, initial_indent=firstline_indent,
                                   subsequent_indent=indent)
    subsequent = textwrap.TextWrapper(width=length, initial_indent=indent,
                                      subsequent_indent=indent)
    for paragraph in (p.strip() for p in text.splitlines()):
        if paragraph:
            result.extend(wrapper.wrap(paragraph))
        else:
            result.append("")
        wrapper = subsequent
    return "\n".join(result)


def doc_to_help(doc):
    """A docstring as flag help: indentation removed, the lines of each paragraph joined
    into one, blank lines between paragraphs kept."""
    lines = doc.expandtabs().strip().splitlines()
    if not lines:
        return ""
    body = textwrap.dedent("\n".join(lines[1:])).splitlines()
    paragraphs, current = [], []
    for line in [lines[0].strip(), *body]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def flag_dict_to_args(flag_map, multi_flags=None):
    """Yield command-line arguments (``--name=value``) that set the flags in ``flag_map``:
    None is skipped, True/False become ``--name``/``--noname``, a list is joined by commas
    (or repeated, one ``--name=item`` each, for names in ``multi_flags``)."""
    for key, value in flag_map.items():
        if value is None:
            continue
        if value is True:
            yield f"--{key}"
        elif value is False:
            yield f"--no{key}"
        elif isinstance(value, (bytes, str)):
            text = value.decode() if isinstance(value, bytes) else value
            yield f"--{key}={text}"
        else:
            try:
                items = list(value)
            except TypeError:
                yield f"--{key}={value}"
                continue
            if multi_flags and key in multi_flags:
                for item in items:
                    yield f"--{key}={item}"
            else:
                yield f"--{key}={','.join(str(item) for item in items)}"


def get_flag_suggestions(attempt, longopt_list):
    """Defined flag names close to a mistyped one (most similar first)."""
    import difflib

    if len(attempt) <= 2 or not longopt_list:
        return []
    option_names = [name.split("=")[0] for name in longopt_list]
    return difflib.get_close_matches(attempt, option_names, n=3, cutoff=0.75)


def program_name():
    return os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "program"
