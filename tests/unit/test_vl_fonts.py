"""vl-convert draws with the fonts it embeds, whatever fonts the machine has."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_DRAW = """
import hashlib, os, sys
from rapnb.present.svg import vl_convert
text = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="2" y="20" '
        'font-family="Helvetica, Arial, sans-serif" font-size="16">USD 879,211</text></svg>')
png = vl_convert().svg_to_png(text, scale=2)
print(hashlib.sha256(bytes(png)).hexdigest(), os.environ.get("FONTCONFIG_FILE"))
"""


def _draw_with_fontconfig(config: Path) -> tuple[str, str]:
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    done = subprocess.run([sys.executable, "-c", _DRAW], capture_output=True, text=True,
                          env=env, check=True, timeout=120)
    digest, left = done.stdout.split()
    return digest, left


def _fontconfig(tmp_path: Path, name: str, folders: list[str]) -> Path:
    dirs = "".join(f"<dir>{folder}</dir>" for folder in folders)
    config = tmp_path / name
    config.write_text(f'<?xml version="1.0"?><fontconfig>{dirs}</fontconfig>', encoding="utf-8")
    return config


def test_text_is_drawn_alike_with_and_without_the_machine_fonts(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    machine = _fontconfig(tmp_path, "machine.conf", ["/usr/share/fonts", "/usr/local/share/fonts",
                                                      str(Path.home() / ".fonts")])
    none = _fontconfig(tmp_path, "none.conf", [str(empty)])
    with_machine, left = _draw_with_fontconfig(machine)
    assert left == str(machine)  # the environment is left as it was
    assert _draw_with_fontconfig(none)[0] == with_machine
