# Names visible at a line of a Python file, for self-heal's "Did you mean" recipe.
#
# Run as: python3 -I -c <this> MODE ARGS...  (prints one JSON object on stdout)
#   scope FILE LINE   locals/globals/builtins visible at LINE, and self's attributes in a method
#   names FILE        the module's top-level names (what `dir(module)` holds, minus imports' side effects)
#   class FILE NAME   the attributes an instance of class NAME defined in FILE would have
#   builtin_type NAME dir() of a builtin type (`list`, `str`, ...)
#   dir MODULE        dir() of a standard-library module (anything else is never imported:
#                     the name comes from a CI log, and importing runs the module's code)
#
# The names are listed in the order CPython would search them, because the first name at
# the minimal distance wins, as Python/suggestions.c does: a function's local variable names
# (co_varnames), then module globals (at module level only those bound before LINE), then
# builtins.
import ast
import builtins
import json
import sys

MODULE_DUNDERS = ["__name__", "__doc__", "__package__", "__loader__", "__spec__",
                  "__file__", "__cached__", "__builtins__"]
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def parse(path):
    with open(path, "rb") as f:
        return ast.parse(f.read(), filename=path)


def params(fn):
    a = fn.args
    out = [x.arg for x in getattr(a, "posonlyargs", [])] + [x.arg for x in a.args]
    if a.vararg:
        out.append(a.vararg.arg)
    out += [x.arg for x in a.kwonlyargs]
    if a.kwarg:
        out.append(a.kwarg.arg)
    return out


def own_nodes(body):
    """Nodes of a scope's body, not descending into nested scopes (but yielding them)."""
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, SCOPES):
            # Decorators, defaults and bases are evaluated in the enclosing scope.
            outer = list(getattr(node, "decorator_list", []))
            if isinstance(node, ast.ClassDef):
                outer += node.bases + [k.value for k in node.keywords]
            elif not isinstance(node, ast.Lambda):
                outer += node.args.defaults + [d for d in node.args.kw_defaults if d]
            stack.extend(reversed(outer))
            continue
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            # Only the first iterable belongs to the enclosing scope (and walrus targets).
            stack.append(node.generators[0].iter)
            for sub in ast.walk(node):
                if isinstance(sub, ast.NamedExpr):
                    stack.append(sub)
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def bindings(body):
    """(name, line) for each name bound directly in a scope, in source order."""
    out = []
    declared_elsewhere = set()
    for node in own_nodes(body):
        line = getattr(node, "lineno", 0)
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            declared_elsewhere.update(node.names)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.append((node.id, line))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.append((node.name, line))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    continue  # unknowable statically; ignored on purpose
                name = alias.asname or alias.name.split(".")[0]
                out.append((name, line))
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.append((node.name, line))
        elif hasattr(ast, "MatchAs") and isinstance(node, ast.MatchAs) and node.name:
            out.append((node.name, line))
        elif hasattr(ast, "MatchStar") and isinstance(node, ast.MatchStar) and node.name:
            out.append((node.name, line))
        elif hasattr(ast, "MatchMapping") and isinstance(node, ast.MatchMapping) and node.rest:
            out.append((node.rest, line))
    return [(n, l) for n, l in out if n not in declared_elsewhere]


def dedup(names):
    seen = set()
    out = []
    for n in names:
        if n not in seen:
            seen.add(n)
            out.append(n)
    return out


def chain(tree, line):
    """The scopes enclosing LINE, outermost first (module excluded)."""
    found = []
    body = tree.body
    while True:
        inner = None
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                end = getattr(node, "end_lineno", None) or node.lineno
                first = node.lineno
                if first < line <= end or (first == line and node.body and node.body[0].lineno == line):
                    inner = node
                    break
        if inner is None:
            # Scopes can nest inside if/for/try/with blocks: look through compound statements.
            nested = [n for n in body if not isinstance(n, SCOPES) and hasattr(n, "body")
                      and n.lineno <= line <= (getattr(n, "end_lineno", None) or n.lineno)]
            if nested:
                node = nested[0]
                body = list(node.body) + list(getattr(node, "orelse", []))
                body += list(getattr(node, "finalbody", []))
                for h in getattr(node, "handlers", []):
                    body += h.body
                for c in getattr(node, "cases", []):
                    body += c.body
                continue
            return found
        found.append(inner)
        body = inner.body


def class_attrs(tree, cls, seen=None):
    seen = seen or set()
    if cls.name in seen:
        return []
    seen.add(cls.name)
    attrs = [n for n, _ in bindings(cls.body)]
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            p = params(node)
            if not p:
                continue
            me = p[0]
            for sub in ast.walk(node):
                if (isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Store)
                        and isinstance(sub.value, ast.Name) and sub.value.id == me):
                    attrs.append(sub.attr)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            attrs.append(node.target.id)
    for base in cls.bases:
        if isinstance(base, ast.Name):
            local = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == base.id]
            if local:
                attrs += class_attrs(tree, local[0], seen)
            else:
                b = getattr(builtins, base.id, None)
                if isinstance(b, type):
                    attrs += dir(b)
    return attrs


def instance_dir(tree, cls):
    attrs = class_attrs(tree, cls) + dir(object) + ["__dict__", "__module__", "__weakref__"]
    return sorted(set(attrs))


def find_class(tree, name):
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node
    return None


def scope(path, line):
    tree = parse(path)
    scopes = chain(tree, line)
    module_bound = bindings(tree.body)
    result = {"locals": [], "self_attrs": None, "module_level": not scopes}
    # CPython searches the code object's local variable names (co_varnames: parameters,
    # then every name the function binds, wherever), but a name bound at LINE or after
    # (`with open(p) as out:` on the failing line itself) holds no value there: only
    # parameters and names bound on earlier lines are candidates. Module and class
    # bodies have none.
    if scopes and isinstance(scopes[-1], (ast.FunctionDef, ast.AsyncFunctionDef)):
        fn = scopes[-1]
        result["locals"] = dedup(params(fn) + [n for n, l in bindings(fn.body) if l < line])
        p = params(fn)
        if p and p[0] == "self" and len(scopes) >= 2 and isinstance(scopes[-2], ast.ClassDef):
            result["self_attrs"] = instance_dir(tree, scopes[-2])
    # At module level only what ran before LINE exists; inside a function called later,
    # the whole module has run.
    if scopes:
        globs = [n for n, _ in module_bound]
    else:
        globs = [n for n, l in module_bound if l < line]
    result["globals"] = dedup(MODULE_DUNDERS + globs)
    result["builtins"] = list(builtins.__dict__)
    return result


# Standard-library modules whose import does something visible (opens a browser).
NOISY_STDLIB = {"antigravity", "this"}


def in_stdlib(spec):
    """True when the module comes from the interpreter's own library, not from a path
    (site-packages, a .pth entry) that could hold a same-named module of the repository."""
    if spec is None:
        return False
    if spec.origin in ("built-in", "frozen"):
        return True
    if not spec.origin:
        return False
    import os
    import sysconfig
    origin = os.path.realpath(spec.origin)
    for key in ("stdlib", "platstdlib"):
        root = os.path.realpath(sysconfig.get_paths()[key]) + os.sep
        if origin.startswith(root):
            rest = origin[len(root):].split(os.sep)
            return not ({"site-packages", "dist-packages"} & set(rest))
    return False


def stdlib_dir(name):
    top = name.split(".")[0]
    # sys.stdlib_module_names exists from 3.10 on; without it nothing is imported.
    stdlib = getattr(sys, "stdlib_module_names", frozenset())
    if top not in stdlib or top in NOISY_STDLIB:
        raise ValueError("not imported (not a standard-library module): " + name)
    import contextlib
    import importlib
    import importlib.util
    import io
    # find_spec of a top-level name imports nothing; a stdlib name missing from this
    # build must not fall through to another file of that name.
    if not in_stdlib(importlib.util.find_spec(top)):
        raise ValueError("not imported (not found in the standard library): " + name)
    # Our answer is the only thing allowed on stdout.
    with contextlib.redirect_stdout(io.StringIO()):
        module = importlib.import_module(name)
    return dir(module)


def main(argv):
    mode = argv[1]
    if mode == "scope":
        return scope(argv[2], int(argv[3]))
    if mode == "names":
        tree = parse(argv[2])
        return {"names": sorted(set(MODULE_DUNDERS + [n for n, _ in bindings(tree.body)]))}
    if mode == "class":
        tree = parse(argv[2])
        cls = find_class(tree, argv[3])
        return {"found": cls is not None, "attrs": instance_dir(tree, cls) if cls else []}
    if mode == "builtin_type":
        t = getattr(builtins, argv[2], None)
        if not isinstance(t, type):
            return {"error": "not a builtin type: " + argv[2]}
        return {"names": dir(t)}
    if mode == "dir":
        return {"names": stdlib_dir(argv[2])}
    raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    try:
        out = main(sys.argv)
    except SyntaxError as e:
        out = {"error": "syntax error: %s" % e}
    except Exception as e:  # any failure means "no names", never a crash of the caller
        out = {"error": "%s: %s" % (type(e).__name__, e)}
    sys.stdout.write(json.dumps(out))
