"""Evaluation: BPR projects and their members, rubrics, ratings, aggregated results and Excel sheets."""
