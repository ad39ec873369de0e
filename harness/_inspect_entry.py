"""inspect-ai extension entry point: the `harness-docker` sandbox and the `local/` and `sim/` model providers.

inspect imports this module (entry point group `inspect_ai`) when it looks up a sandbox or model
provider it does not know. Neither docker nor llama-cpp is imported here.
"""

from harness.models import _local_provider  # noqa: F401  (registers modelapi "local")
from harness.models import _sim_provider  # noqa: F401  (registers modelapi "sim": harness simulators as user models)
from harness.sandbox import _environment  # noqa: F401  (registers sandboxenv "harness-docker")
