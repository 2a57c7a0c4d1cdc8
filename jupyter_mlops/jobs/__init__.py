"""Scheduled notebook jobs: a runner for notebooks and tasks, schedules that fire once."""
