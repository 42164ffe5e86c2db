"""The independent checkers the site's pages are held to: axe-core in headless Chromium, and
the Nu Html Checker (vnu.jar). Used by tests/integration/test_site.py, and by hand:

    python tests/integration/page_checkers.py outputs/index.html outputs/sheets/peru/peru.html

How the tools are found (the first that exists), else installed with npm into a cache folder:

- axe-core: $RAPNB_AXE_JS (a path to axe.min.js), ./node_modules/axe-core/axe.min.js, else
  `npm install --no-save axe-core@4` into $RAPNB_TOOLS_CACHE/axe-core (default cache
  ~/.cache/rapnb-tools);
- vnu: $RAPNB_VNU_JAR, ./node_modules/vnu-jar/build/dist/vnu.jar, else `npm install --no-save
  vnu-jar` into $RAPNB_TOOLS_CACHE/vnu-jar (it runs on the system's `java`);
- Chromium: `chromium` or `chromium-browser` on PATH (Debian: `apt-get install -y chromium`).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("RAPNB_TOOLS_CACHE", Path.home() / ".cache" / "rapnb-tools"))
AXE_PACKAGE, VNU_PACKAGE = "axe-core@4", "vnu-jar"
AXE_REL = Path("node_modules/axe-core/axe.min.js")
VNU_REL = Path("node_modules/vnu-jar/build/dist/vnu.jar")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND"]


class ToolMissing(RuntimeError):
    """A checker could not be found or installed (the message says how to get it)."""


def _npm_install(package: str, rel: Path) -> Path:
    """`package` installed into its own folder of the cache (npm prunes what a folder's
    package.json does not list, so two tools never share one)."""
    prefix = CACHE / package.split("@")[0]
    target = prefix / rel
    if target.is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise ToolMissing(f"npm is needed to install {package} (apt-get install -y npm)")
    prefix.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund",
                           "--prefix", str(prefix), package],
                          capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0 or not target.is_file():
        raise ToolMissing(f"npm install {package} failed: {done.stderr[-1000:]}")
    return target


def _found(env: str, rel: Path) -> Path | None:
    for candidate in (os.environ.get(env), REPO / rel, Path.cwd() / rel):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def axe_script() -> Path:
    """axe.min.js: found, else installed by npm into the cache."""
    return _found("RAPNB_AXE_JS", AXE_REL) or _npm_install(AXE_PACKAGE, AXE_REL)


def vnu_jar() -> Path:
    """vnu.jar: found, else installed by npm into the cache."""
    return _found("RAPNB_VNU_JAR", VNU_REL) or _npm_install(VNU_PACKAGE, VNU_REL)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise ToolMissing("chromium is not installed: apt-get update && apt-get install -y"
                          " chromium")
    return found


_RUNNER = """<script src="axe.min.js"></script>
<script>
axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
  document.documentElement.setAttribute("data-axe-result", JSON.stringify(
    r.violations.map(function (v) {
      return {id: v.id, impact: v.impact, nodes: v.nodes.map(function (n) {
        return n.target.join(" ") + " :: " + (n.failureSummary || "").slice(0, 300); })};
    })));
}).catch(function (e) {
  document.documentElement.setAttribute("data-axe-result", JSON.stringify({error: String(e)}));
});
</script>
"""


def run_axe(page: Path, timeout: int = 180) -> list[dict[str, object]]:
    """axe-core's violations on `page` (every rule axe runs by default), in headless Chromium.

    The page is copied beside axe.min.js into a temporary folder with the runner appended at
    the end of its body; Chromium loads it offline and prints the DOM, which carries the result
    in an attribute once axe has finished.
    """
    script = axe_script()
    with tempfile.TemporaryDirectory(prefix="rapnb-axe-") as tmp:
        folder = Path(tmp)
        shutil.copy(script, folder / "axe.min.js")
        text = page.read_text(encoding="utf-8")
        at = text.rfind("</body>")
        assert at >= 0, f"{page} has no </body>"
        (folder / "page.html").write_text(text[:at] + _RUNNER + text[at:], encoding="utf-8")
        done = subprocess.run(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={folder / 'profile'}",
             "--window-size=1200,2000", "--virtual-time-budget=30000", "--dump-dom",
             (folder / "page.html").as_uri()],
            capture_output=True, text=True, timeout=timeout, check=False)
    found = re.search(r'data-axe-result="([^"]*)"', done.stdout)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"axe did not finish on {page}: {done.stderr[-1500:]}")
    result = json.loads(html.unescape(found.group(1)))
    if isinstance(result, dict):
        raise RuntimeError(f"axe failed on {page}: {result}")
    return list(result)


def run_vnu(pages: list[Path], timeout: int = 600) -> list[dict[str, object]]:
    """The Nu Html Checker's errors (warnings left out) over `pages`."""
    java = shutil.which("java")
    if java is None:
        raise ToolMissing("java is needed for vnu.jar (apt-get install -y default-jre-headless)")
    done = subprocess.run([java, "-jar", str(vnu_jar()), "--errors-only", "--format", "json",
                           *map(str, pages)], capture_output=True, text=True, timeout=timeout,
                          check=False)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    return [m for m in messages if m.get("type") == "error"
            or m.get("subType") == "fatal"]


def main(argv: list[str]) -> int:
    """Print vnu's error count for all pages given, and axe's violations per page."""
    pages = [Path(a) for a in argv]
    errors = run_vnu(pages)
    print(f"vnu: {len(errors)} error(s) over {len(pages)} page(s)")
    for message in errors[:20]:
        print(f"  {message.get('url', '')}:{message.get('lastLine')}: {message.get('message')}")
    bad = 0
    for page in pages:
        violations = run_axe(page)
        bad += bool(violations)
        summary = ", ".join(f"{v['id']} ({v['impact']}) x{len(v['nodes'])}"  # type: ignore[arg-type]
                            for v in violations) or "no violation"
        print(f"axe {page}: {summary}")
    return 1 if errors or bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
