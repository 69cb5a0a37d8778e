"""Plain `pytest --archive-dir /mnt/sora/archive` as users type it.

pytest decides its rootdir and ini file from the command line *before* any installed plugin has added its
options, so the value of `--archive-dir /path` (or `--report-dir`, `--target-profile`, `--expectations`) is
taken for a test path: the rootdir becomes /path, the project's pytest.ini is never read and the wrong tests
are collected. Once our options are known, this decides again from the real test paths and, when that finds
another ini file, adopts it (rootdir, ini values, addopts, conftest cut-off) before conftests load.
"""
from __future__ import annotations

from typing import Any

import pytest
from _pytest.config.findpaths import determine_setup


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    known: Any = early_config.known_args_namespace
    if known.rootdir or known.inifilename:
        return  # the user chose them: nothing was guessed
    rootpath, inipath, inicfg, ignored = determine_setup(
        inifile=None, override_ini=known.override_ini, args=known.file_or_dir, rootdir_cmd_arg=None,
        invocation_dir=early_config.invocation_params.dir)
    if inipath is None or (rootpath, inipath) == (early_config.rootpath, early_config.inipath):
        return
    config: Any = early_config  # pytest keeps these private; they are what its own parse() sets
    config._rootpath, config._inipath, config._inicfg, config._ignored_config_files = rootpath, inipath, inicfg, ignored
    config._inicache.clear()
    config._parser.extra_info.update(rootdir=str(rootpath), inifile=str(inipath))
    known.confcutdir = str(inipath.parent)
    args[:] = early_config.getini("addopts") + args  # the ini's addopts, as pytest applies them
