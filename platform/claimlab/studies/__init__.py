"""Studies: answer a review's research question by sweeping one factor over seeds.

A study file (YAML) names the question, the recipe, the systems, the factor and its levels,
the task, setting, metric and language pairs, the profile and the seeds; `profiles:` blocks
override fields per profile. Its runs go through the same queue as claim reproductions and
are shared with them by config hash.
"""
