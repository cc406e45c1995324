"""What the commands that read an output folder (sql, export, report) share on the command line."""

from __future__ import annotations

import argparse
from pathlib import Path


def folder_command(commands: argparse._SubParsersAction, name: str, summary: str, description: str,
                   epilog: str, formatter: type[argparse.HelpFormatter]) -> argparse.ArgumentParser:
    """A subcommand whose first argument is an output folder of ``goaltables extract``."""
    parser = commands.add_parser(name, help=summary, description=description, epilog=epilog, formatter_class=formatter)
    parser.add_argument("out_dir", type=Path, metavar="DIR", help="output folder written by goaltables extract")
    return parser
