"""footnoted inside other tools: LangChain and LlamaIndex retrievers, and an MCP server.

Each integration is its own module with its own optional extra, imported by name
(``footnoted.integrations.langchain`` needs ``footnoted[langchain]``, and so on); this package
itself needs none of them. The retrievers search any ``Searcher``: an ``Index`` in process, or a
``footnoted.client.Client`` talking to a server.
"""

from footnoted.integrations.passages import Searcher, passage_metadata

__all__ = ["Searcher", "passage_metadata"]
