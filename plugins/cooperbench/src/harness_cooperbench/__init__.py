"""CooperBench for plugeval: two coding agents implement two features of one repository, then merge."""

from ._agents import cooperbench_agents
from ._dataset import Dataset, Feature, TaskSpec, load_dataset, shipped_dataset
from ._evaluate import PairEvaluation, evaluate_coop, evaluate_solo, merge_in_container
from ._merge import MergeResult, merge_patches
from ._patches import drop_test_files, is_test_path
from ._scorer import merged_tests
from ._selection import Pair, Selection, select_pairs
from ._solvers import empty, gold
from ._sources import resolve_sources
from ._task import cooperbench
from ._concurrency import default_eval_concurrency
from ._image import BuildFailed, ensure_task_image, image_tag
from ._testrun import FeatureRun, PytestCounts, failing_tests, parse_pytest_counts, run_feature_tests

__all__ = [
    "BuildFailed",
    "Dataset",
    "Feature",
    "FeatureRun",
    "MergeResult",
    "Pair",
    "PairEvaluation",
    "PytestCounts",
    "Selection",
    "TaskSpec",
    "cooperbench",
    "cooperbench_agents",
    "default_eval_concurrency",
    "drop_test_files",
    "empty",
    "ensure_task_image",
    "evaluate_coop",
    "evaluate_solo",
    "failing_tests",
    "gold",
    "image_tag",
    "is_test_path",
    "load_dataset",
    "merge_in_container",
    "merge_patches",
    "merged_tests",
    "parse_pytest_counts",
    "resolve_sources",
    "run_feature_tests",
    "select_pairs",
    "shipped_dataset",
]
