"""Where in a YAML file a pydantic error location points: one walker for every data file."""

from __future__ import annotations

from typing import Any

import yaml


def node_line(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the node at ``loc`` under ``node`` (or its nearest existing parent)."""
    line = node.start_mark.line + 1 if node else None
    for key in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) \
                and key < len(node.value):
            child = node.value[key]
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


def text_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """:func:`node_line` for YAML source text; ``None`` when the text does not parse."""
    try:
        return node_line(yaml.compose(text), loc)
    except yaml.YAMLError:
        return None
