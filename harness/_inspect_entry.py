"""inspect-ai extension entry point: registers the `harness-docker` sandbox and the `local/` model provider.

inspect imports this module (entry point group `inspect_ai`) when it looks up a sandbox or model
provider it does not know. Neither docker nor llama-cpp is imported here.
"""

from harness.models import _local_provider  # noqa: F401  (registers modelapi "local")
from harness.sandbox import _environment  # noqa: F401  (registers sandboxenv "harness-docker")
