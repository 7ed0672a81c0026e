"""The AutoGraph source-to-source converter: a Python function's AST rewritten so that its
control flow calls the operators of ``operators.py``.

Passes, in order, over each function (nested ``def``s get their own pass):

1. lists: ``l.append(x)`` as a statement becomes ``l = ag__.list_append(l, x)`` (a
   TensorArray is a value, so the name is rebound); ``set_element_type(l, ...)`` likewise;
2. jumps: ``return`` anywhere but at the end, ``break`` and ``continue`` become assignments
   to flags (``ag__do_return``, ``ag__break_N``, ``ag__continue_N``), the statements after
   them are guarded by ``if not flag:`` (or moved into the ``else`` of an ``if`` whose body
   always returns), and loops test the flags;
3. control flow, innermost first: ``if``/``while``/``for`` become local functions of the
   names the statement assigns (its *state*), called through ``ag__.if_stmt``,
   ``ag__.while_stmt``, ``ag__.for_stmt``;
4. expressions: ``and``/``or``/``not``, ``==``/``!=``, conditional expressions, ``assert``,
   and every call (``ag__.converted_call(f)(...)``: ``print``, ``len``, ``range`` get
   AutoGraph's versions and user functions are converted in turn).
"""

import ast
import copy
import itertools

_SKIP_CALLS = frozenset({"super", "locals", "globals", "vars", "eval", "exec", "isinstance",
                         "type", "getattr", "setattr", "hasattr", "id"})


def _name(id_, ctx=None):
    return ast.Name(id=id_, ctx=ctx or ast.Load())


def _ag(attribute):
    return ast.Attribute(value=_name("ag__"), attr=attribute, ctx=ast.Load())


def _call(func, *args):
    return ast.Call(func=func, args=list(args), keywords=[])


def _assign(target, value):
    return ast.Assign(targets=[_name(target, ast.Store())], value=value)


def _const(value):
    return ast.Constant(value=value)


def _not(expr):
    return ast.UnaryOp(op=ast.Not(), operand=expr)


def _tuple(names, ctx=None):
    return ast.Tuple(elts=[_name(n, ctx) for n in names], ctx=ctx or ast.Load())


# -- which names a block assigns ------------------------------------------------------------------


class _Assigned(ast.NodeVisitor):
    """Names bound by statements, not looking inside nested functions, classes or lambdas."""

    def __init__(self):
        self.names = []

    def _add(self, name):
        if name not in self.names and not name.startswith("ag__fn"):
            self.names.append(name)

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Store):
            self._add(node.id)

    def visit_FunctionDef(self, node):
        self._add(node.name)

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Lambda(self, node):
        pass

    def visit_ListComp(self, node):
        pass

    visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp

    def visit_Import(self, node):
        for alias in node.names:
            self._add(alias.asname or alias.name.split(".")[0])

    visit_ImportFrom = visit_Import

    def visit_ExceptHandler(self, node):
        if node.name:
            self._add(node.name)
        self.generic_visit(node)


def assigned(stmts, exclude=()):
    visitor = _Assigned()
    for stmt in stmts:
        visitor.visit(stmt)
    return [n for n in visitor.names if n not in exclude]


def _declared(func):
    """Names a function declares global or nonlocal (not in its nested functions)."""
    found = {"global": set(), "nonlocal": set()}

    def walk(nodes):
        for node in nodes:
            if isinstance(node, ast.Global):
                found["global"].update(node.names)
            elif isinstance(node, ast.Nonlocal):
                found["nonlocal"].update(node.names)
            elif not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef |
                                ast.Lambda):
                walk(ast.iter_child_nodes(node))

    walk(func.body)
    return found


# -- pass 1: lists ---------------------------------------------------------------------------------


class _Lists(ast.NodeTransformer):
    def visit_FunctionDef(self, node):
        return node  # nested functions get their own passes

    def visit_Expr(self, node):
        call = node.value
        if not isinstance(call, ast.Call):
            return node
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "append" and \
                isinstance(func.value, ast.Name) and len(call.args) == 1 and not call.keywords:
            target = func.value.id
            return ast.copy_location(_assign(target, _call(_ag("list_append"), _name(target),
                                                           call.args[0])), node)
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if called == "set_element_type" and call.args and isinstance(call.args[0], ast.Name):
            target = call.args[0].id
            new = ast.Call(func=_ag("set_element_type"), args=call.args,
                           keywords=call.keywords)
            return ast.copy_location(_assign(target, new), node)
        return node


# -- pass 2: return, break, continue -----------------------------------------------------------

NEVER, MAYBE, ALWAYS, ONE_BRANCH = 0, 1, 2, 3


class _Jumps:
    """Turns one kind of jump into a flag; ``kind`` is ast.Return, ast.Break or ast.Continue."""

    def __init__(self, kind, flag, retval=None):
        self.kind = kind
        self.flag = flag
        self.retval = retval

    def _jump(self, node):
        out = [ast.copy_location(_assign(self.flag, _const(True)), node)]
        if self.kind is ast.Return:
            value = node.value if node.value is not None else _const(None)
            out.append(ast.copy_location(_assign(self.retval, value), node))
        return out

    def block(self, stmts):
        """(new statements, NEVER/MAYBE/ALWAYS: does the block jump?)"""
        out = []
        for index, stmt in enumerate(stmts):
            rest = stmts[index + 1:]
            if isinstance(stmt, self.kind):
                out.extend(self._jump(stmt))
                return out, ALWAYS
            status = self._statement(stmt)
            if status == NEVER:
                out.append(stmt)
                continue
            if status == ONE_BRANCH:
                out.append(stmt)
                if not rest:
                    return out, MAYBE
                # One branch always jumps: the rest of the block belongs to the other one.
                then_status, else_status = stmt._ag_statuses
                rest, rest_status = self.block(rest)
                other = stmt.orelse if then_status == ALWAYS else stmt.body
                other_status = else_status if then_status == ALWAYS else then_status
                if other_status == MAYBE:
                    rest = [ast.If(test=_not(_name(self.flag)), body=rest, orelse=[])]
                other.extend(rest)
                if not other[0:1] or isinstance(other[0], ast.Pass):
                    other[:] = [s for s in other if not isinstance(s, ast.Pass)] or [ast.Pass()]
                return out, ALWAYS if rest_status == ALWAYS and other_status != MAYBE else MAYBE
            out.append(stmt)
            if status == ALWAYS:
                return out, ALWAYS
            if rest:
                guarded, _ = self.block(rest)
                out.append(ast.If(test=_not(_name(self.flag)), body=guarded, orelse=[]))
            return out, MAYBE
        return out, NEVER

    def _statement(self, stmt):
        if isinstance(stmt, ast.If):
            stmt.body, then_status = self.block(stmt.body)
            stmt.orelse, else_status = self.block(stmt.orelse)
            stmt._ag_statuses = (then_status, else_status)
            if then_status == ALWAYS and else_status == ALWAYS:
                return ALWAYS
            if then_status == ALWAYS or else_status == ALWAYS:
                return ONE_BRANCH
            return MAYBE if MAYBE in (then_status, else_status) else NEVER
        if isinstance(stmt, ast.For | ast.While):
            if self.kind is not ast.Return:
                return NEVER  # a break or continue of an inner loop is that loop's
            stmt.body, status = self.block(stmt.body)
            if status == NEVER:
                return NEVER
            _add_loop_test(stmt, _not(_name(self.flag)))
            return MAYBE
        if isinstance(stmt, ast.With | ast.AsyncWith):
            stmt.body, status = self.block(stmt.body)
            return MAYBE if status != NEVER else NEVER
        if isinstance(stmt, ast.Try):
            statuses = []
            stmt.body, status = self.block(stmt.body)
            statuses.append(status)
            for handler in stmt.handlers:
                handler.body, status = self.block(handler.body)
                statuses.append(status)
            stmt.orelse, status = self.block(stmt.orelse)
            statuses.append(status)
            stmt.finalbody, status = self.block(stmt.finalbody)
            statuses.append(status)
            return MAYBE if any(statuses) else NEVER
        return NEVER


def _contains(stmts, kind, into_loops):
    for stmt in stmts:
        for node in _walk_scope(stmt, into_loops):
            if isinstance(node, kind):
                return True
    return False


def _walk_scope(node, into_loops):
    yield node
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        if not into_loops and isinstance(child, ast.For | ast.While):
            continue
        yield from _walk_scope(child, into_loops)


def _add_loop_test(loop, test):
    loop.__dict__.setdefault("_ag_extra_tests", []).append(test)


def _lower_returns(func):
    body = func.body
    returns = [n for s in body for n in _walk_scope(s, True) if isinstance(n, ast.Return)]
    if not returns or (len(returns) == 1 and body[-1] is returns[0]):
        if returns and returns[0].value is not None:
            returns[0].value = _call(_ag("retval"), returns[0].value)
        return
    jumps = _Jumps(ast.Return, "ag__do_return", "ag__retval")
    new_body, _ = jumps.block(body)
    func.body = [_assign("ag__do_return", _const(False)),
                 _assign("ag__retval", _call(_ag("UndefinedReturnValue"))),
                 *new_body,
                 ast.Return(value=_call(_ag("retval"), _name("ag__retval")))]


class _Loops:
    """break and continue of each loop, innermost loops first."""

    def __init__(self, counter):
        self._counter = counter

    def block(self, stmts):
        out = []
        for stmt in stmts:
            out.extend(self.statement(stmt))
        return out

    def statement(self, stmt):
        for field in ("body", "orelse", "finalbody"):
            if hasattr(stmt, field) and not isinstance(stmt, ast.FunctionDef |
                                                         ast.AsyncFunctionDef | ast.ClassDef):
                setattr(stmt, field, self.block(getattr(stmt, field)))
        if isinstance(stmt, ast.Try):
            for handler in stmt.handlers:
                handler.body = self.block(handler.body)
        if not isinstance(stmt, ast.For | ast.While):
            return [stmt]
        before = []
        after = []
        number = next(self._counter)
        if _contains(stmt.body, ast.Continue, into_loops=False):
            flag = f"ag__continue_{number}"
            body, _ = _Jumps(ast.Continue, flag).block(stmt.body)
            stmt.body = [_assign(flag, _const(False)), *body]
        if _contains(stmt.body, ast.Break, into_loops=False):
            flag = f"ag__break_{number}"
            body, _ = _Jumps(ast.Break, flag).block(stmt.body)
            stmt.body = body
            before.append(_assign(flag, _const(False)))
            _add_loop_test(stmt, _not(_name(flag)))
            if stmt.orelse:
                after.append(ast.If(test=_not(_name(flag)), body=stmt.orelse, orelse=[]))
        elif stmt.orelse:
            after.extend(stmt.orelse)
        stmt.orelse = []
        return [*before, stmt, *after]


# -- pass 3: control flow ------------------------------------------------------------------------


class _ControlFlow:
    def __init__(self, counter, declared, features):
        self._counter = counter
        self._features = features
        self._globals = declared["global"]
        self._nonlocals = declared["nonlocal"]

    def block(self, stmts):
        out = []
        for stmt in stmts:
            out.extend(self.statement(stmt))
        return out

    def statement(self, stmt):
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            convert_function_def(stmt, self._counter, self._features)
            return [stmt]
        if isinstance(stmt, ast.ClassDef):
            return [stmt]
        for field in ("body", "orelse", "finalbody"):
            if hasattr(stmt, field):
                setattr(stmt, field, self.block(getattr(stmt, field)))
        if isinstance(stmt, ast.Try):
            for handler in stmt.handlers:
                handler.body = self.block(handler.body)
        if isinstance(stmt, ast.If):
            return self._if(stmt)
        if isinstance(stmt, ast.While):
            return self._while(stmt)
        if isinstance(stmt, ast.For):
            return self._for(stmt)
        return [stmt]

    def _state(self, stmts, extra=()):
        skip = self._globals | self._nonlocals
        names = assigned(stmts, skip)
        for name in extra:
            if name not in names and name not in skip:
                names.append(name)
        return names

    def _declarations(self, stmts):
        names = assigned(stmts)
        out = []
        globals_ = sorted(n for n in names if n in self._globals)
        nonlocals = sorted(n for n in names if n in self._nonlocals)
        if globals_:
            out.append(ast.Global(names=globals_))
        if nonlocals:
            out.append(ast.Nonlocal(names=nonlocals))
        return out

    def _function(self, name, params, body, returns):
        args = ast.arguments(posonlyargs=[], args=[ast.arg(arg=p) for p in params],
                             vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
        full = [*self._declarations(body), *body, ast.Return(value=returns)]
        return ast.FunctionDef(name=name, args=args, body=full, decorator_list=[],
                               returns=None)

    def _loaded(self, names):
        return ast.Tuple(elts=[_call(_ag("ld"), ast.Lambda(args=_no_args(), body=_name(n)),
                                     _const(n)) for n in names], ctx=ast.Load())

    def _finish(self, stmt, names, call):
        if names:
            result = ast.Assign(targets=[_tuple(names, ast.Store())], value=call)
        else:
            result = ast.Expr(value=call)
        return ast.copy_location(result, stmt)

    def _if(self, stmt):
        number = next(self._counter)
        names = self._state(stmt.body + stmt.orelse)
        then_fn = self._function(f"ag__fn_if_true_{number}", names, stmt.body or [ast.Pass()],
                                 _tuple(names))
        else_fn = self._function(f"ag__fn_if_false_{number}", names,
                                 stmt.orelse or [ast.Pass()], _tuple(names))
        call = _call(_ag("if_stmt"), stmt.test, _name(then_fn.name), _name(else_fn.name),
                     self._loaded(names), ast.Tuple(elts=[_const(n) for n in names],
                                                    ctx=ast.Load()))
        return [then_fn, else_fn, self._finish(stmt, names, call)]

    def _loop_options(self, stmt):
        body = stmt.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Call):
            func = body[0].value.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called == "set_loop_options":
                keywords = body[0].value.keywords
                stmt.body = body[1:] or [ast.Pass()]
                return ast.Dict(keys=[_const(k.arg) for k in keywords],
                                values=[k.value for k in keywords])
        return _const(None)

    def _extra_test(self, stmt):
        tests = stmt.__dict__.get("_ag_extra_tests", [])
        if not tests:
            return None
        return tests[0] if len(tests) == 1 else ast.BoolOp(op=ast.And(), values=tests)

    def _while(self, stmt):
        number = next(self._counter)
        opts = self._loop_options(stmt)
        names = self._state(stmt.body)
        test = stmt.test
        extra = self._extra_test(stmt)
        if extra is not None:
            test = ast.BoolOp(op=ast.And(), values=[extra, test])
        test_fn = self._function(f"ag__fn_loop_test_{number}", names, [], test)
        body_fn = self._function(f"ag__fn_loop_body_{number}", names, stmt.body,
                                 _tuple(names))
        call = _call(_ag("while_stmt"), _name(test_fn.name), _name(body_fn.name),
                     self._loaded(names), ast.Tuple(elts=[_const(n) for n in names],
                                                    ctx=ast.Load()), opts)
        return [test_fn, body_fn, self._finish(stmt, names, call)]

    def _for(self, stmt):
        number = next(self._counter)
        opts = self._loop_options(stmt)
        target_names = assigned([ast.Assign(targets=[stmt.target], value=_const(None))])
        names = self._state(stmt.body, extra=target_names)
        target = copy.deepcopy(stmt.target)
        unpack = ast.Assign(targets=[target], value=_name("ag__itr"))
        body_fn = self._function(f"ag__fn_loop_body_{number}", ["ag__itr", *names],
                                 [unpack, *stmt.body], _tuple(names))
        out = [body_fn]
        extra = self._extra_test(stmt)
        extra_name = _const(None)
        if extra is not None:
            extra_fn = self._function(f"ag__fn_extra_test_{number}", names, [], extra)
            out.append(extra_fn)
            extra_name = _name(extra_fn.name)
        call = _call(_ag("for_stmt"), stmt.iter, extra_name, _name(body_fn.name),
                     self._loaded(names), ast.Tuple(elts=[_const(n) for n in names],
                                                    ctx=ast.Load()), opts)
        out.append(self._finish(stmt, names, call))
        return out


def _no_args():
    return ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                         kwarg=None, defaults=[])


# -- pass 4: expressions --------------------------------------------------------------------------


def _thunk(expr):
    return ast.Lambda(args=_no_args(), body=expr)


class _Expressions(ast.NodeTransformer):
    def __init__(self, features, self_name=None):
        self._features = features
        # The method's first parameter: zero-argument super() needs it spelled out, as the
        # call may now sit in a generated function whose first argument is something else.
        self._self_name = self_name

    def visit_FunctionDef(self, node):
        # Nested functions were converted as a whole (their own passes); generated ones
        # are walked like the rest of this function.
        node.body = [self.visit(stmt) for stmt in node.body]
        node.body = [s for s in node.body if s is not None]
        return node

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        operator = "and_" if isinstance(node.op, ast.And) else "or_"
        result = node.values[-1]
        for value in reversed(node.values[:-1]):
            result = _call(_ag(operator), _thunk(value), _thunk(result))
        return ast.copy_location(result, node)

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return ast.copy_location(_call(_ag("not_"), node.operand), node)
        return node

    def visit_Compare(self, node):
        self.generic_visit(node)
        if "EQUALITY_OPERATORS" not in self._features:
            return node
        if len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq | ast.NotEq):
            operator = "eq" if isinstance(node.ops[0], ast.Eq) else "not_eq"
            return ast.copy_location(_call(_ag(operator), node.left, node.comparators[0]), node)
        return node

    def visit_IfExp(self, node):
        self.generic_visit(node)
        return ast.copy_location(_call(_ag("if_exp"), node.test, _thunk(node.body),
                                       _thunk(node.orelse)), node)

    def visit_Assert(self, node):
        self.generic_visit(node)
        if "ASSERT_STATEMENTS" not in self._features:
            return node
        message = node.msg if node.msg is not None else _const("Assertion failed")
        call = _call(_ag("assert_stmt"), node.test, _thunk(message))
        return ast.copy_location(ast.Expr(value=call), node)

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                func.value.id == "ag__":
            return node
        if isinstance(func, ast.Name) and func.id == "super" and not node.args and \
                self._self_name is not None:
            node.args = [_name("__class__"), _name(self._self_name)]
            return node
        if isinstance(func, ast.Name) and func.id in _SKIP_CALLS:
            return node
        if isinstance(func, ast.Name) and func.id == "print" and \
                "BUILTIN_FUNCTIONS" not in self._features:
            return node
        node.func = _call(_ag("converted_call"), func)
        return node

    def visit_Lambda(self, node):
        return node  # lambdas are called as they are


def convert_function_def(func, counter=None, features=frozenset()):
    """Rewrite ``func`` (an ast.FunctionDef) in place (passes 1-3)."""
    counter = counter or itertools.count(1)
    func.decorator_list = []
    if "LISTS" in features:
        func.body = [_Lists().visit(stmt) for stmt in func.body]
    _lower_returns(func)
    func.body = _Loops(counter).block(func.body)
    func.body = _ControlFlow(counter, _declared(func), features).block(func.body)
    return func


def convert_tree(func, features=frozenset()):
    """The whole conversion of a top-level function definition; ``features`` are the optional
    conversions asked for (``LISTS``, ``ASSERT_STATEMENTS``, ``BUILTIN_FUNCTIONS``,
    ``EQUALITY_OPERATORS``), as in TensorFlow."""
    convert_function_def(func, features=features)
    params = [*func.args.posonlyargs, *func.args.args]
    self_name = params[0].arg if params else None
    func.body = [_Expressions(features, self_name).visit(stmt) for stmt in func.body]
    func.body = [s for s in func.body if s is not None]
    ast.fix_missing_locations(func)
    return func
