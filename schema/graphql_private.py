"""What the project uses of graphql-core beyond its public API, checked when the server starts
(`problems`); pyproject.toml bounds graphql-core to the minor version it was read from.

- `Executor.complete_value`, which the short path's executor overrides to complete a
  root field's value by its shape (server/prepared.py), with the parameters below.
"""

import inspect

from graphql.execution import Executor

COMPLETE_VALUE = (
    "self",
    "return_type",
    "field_details_list",
    "info",
    "path",
    "result",
    "position_context",
)


def problems() -> list[str]:
    parameters = tuple(inspect.signature(Executor.complete_value).parameters)
    if parameters != COMPLETE_VALUE:
        return [f"graphql-core: Executor.complete_value{parameters} changed"]
    return []
