"""Operations -> the resource tree: nested resources, one module per top-level resource,
and the namespaces (``client.checkout``) that hold them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import attrs

from . import naming
from .naming import CallPath, class_name, module_name
from .nodes import Guards, Namespace, Operation, ParamsDict, Resource, ResourceModule, ResourceRef

GuardsFor = Callable[[tuple[str, ...], str, set[str]], "Guards | None"]


@attrs.frozen
class Built:
    """One operation as the builder made it, with what its resource module must hold."""

    call: CallPath
    operation: Operation
    params_dicts: tuple[ParamsDict, ...]  # TypedDicts its nested parameters use
    model_imports: frozenset[tuple[str, str]]  # (module, class) of the models it returns


@attrs.frozen
class Tree:
    modules: tuple[ResourceModule, ...]
    root: tuple[Namespace | ResourceRef, ...]
    namespaces: tuple[Namespace, ...]


def _depth_first(resource: Resource) -> list[Resource]:
    return [resource, *(r for child in resource.children for r in _depth_first(child))]


def resource_tree(ops: Iterable[Built], class_of: dict[tuple[str, ...], str], guards_for: GuardsFor) -> Tree:
    # (namespaces, resources) -> operations
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Operation]] = {}
    group_dicts: dict[tuple[str, ...], list[ParamsDict]] = {}
    group_imports: dict[tuple[str, ...], set[tuple[str, str]]] = {}
    for built in ops:
        call, op = built.call, built.operation
        groups.setdefault((call.namespaces, call.resources), []).append(op)
        top_key = (*call.namespaces, call.resources[0])
        group_dicts.setdefault(top_key, []).extend(built.params_dicts)
        group_imports.setdefault(top_key, set()).update(built.model_imports)
    # every ancestor resource exists, even without operations of its own
    for ns, res in list(groups):
        for i in range(1, len(res)):
            groups.setdefault((ns, res[:i]), [])

    def resource(ns: tuple[str, ...], res: tuple[str, ...]) -> Resource:
        children = tuple(
            resource(ns, r)
            for (n, r) in sorted(groups)
            if n == ns and len(r) == len(res) + 1 and r[:-1] == res
        )
        operations = tuple(sorted(groups[(ns, res)], key=lambda o: o.py_name))
        names = [(o.py_name, o.path) for o in operations] + [(c.attr, "resource " + c.attr) for c in children]
        naming.ensure_unique(names, f"attribute of {class_name(*ns, *res)}")
        cls = class_of[ns + res]
        guards = guards_for((*ns, *res), cls, {o.py_name for o in operations})
        return Resource(res[-1], cls, (*ns, *res), operations, children, guards)

    resource_modules = []
    refs: dict[tuple[str, ...], ResourceRef] = {}
    modules_taken: set[str] = set()
    for ns, res in sorted(groups):
        if len(res) != 1:
            continue
        key = ns + res
        top = resource(ns, res)
        flat = _depth_first(top)
        # Two chains may fold to one module name (`issuing.cards`, `issuing_cards`) as they
        # fold to one class name: the second gets `2`, as its class does, so each module
        # defines the classes the client imports from it.
        module = naming.claim(module_name("_".join(key)), modules_taken)
        dicts = sorted({d.name: d for d in group_dicts[key]}.values(), key=lambda d: d.name)
        naming.ensure_unique(((d.name, repr(d.fields)) for d in group_dicts[key]), "params class")
        used = " ".join(o.return_annotation for r in flat for o in r.operations)
        model_imports = tuple(sorted(i for i in group_imports[key] if re.search(rf"\b{i[1]}\b", used)))
        mentioned = {
            word
            for r in flat
            for o in r.operations
            for p in o.params
            for word in re.findall(r"\w+", p.annotation)
        }
        params_imports = tuple(sorted(d.name for d in dicts if d.name in mentioned))
        resource_modules.append(
            ResourceModule(module, tuple(flat), tuple(dicts), model_imports, params_imports)
        )
        refs[key] = ResourceRef(top.attr, top.class_name, module)

    namespaces: list[Namespace] = []

    def tree(prefix: tuple[str, ...]) -> tuple[Namespace | ResourceRef, ...]:
        nodes: list[Namespace | ResourceRef] = []
        names = sorted(
            {key[len(prefix)] for key in refs if len(key) > len(prefix) and key[: len(prefix)] == prefix}
        )
        for name in names:
            key = (*prefix, name)
            if key in refs:
                nodes.append(refs[key])
            else:
                ns_node = Namespace(name, class_name(*key), tree(key))
                namespaces.append(ns_node)
                nodes.append(ns_node)
        naming.ensure_unique(((n.attr, type(n).__name__) for n in nodes), "client attribute")
        return tuple(nodes)

    root = tree(())
    return Tree(tuple(resource_modules), root, tuple(sorted(namespaces, key=lambda n: n.class_name)))
