"""A worker warms up on what its exports use while its first kernel runs."""

from __future__ import annotations

from rapnb.build import worker
from rapnb.build.figures import figure_files
from rapnb.build.html_export import notebook_to_html
from rapnb.build.pdf import notebook_pdf
from rapnb.build.pdf_content import notebook_blocks


def test_the_warm_up_notebook_goes_through_every_export() -> None:
    nb = worker._warm_up_notebook()
    assert sorted(figure_files(nb)) == ["figures/warm-up.png", "figures/warm-up.svg"]
    html = notebook_to_html(nb, "warm-up")
    assert "<table" in html and "<svg" in html and "Warm-up" in html
    kinds = {block["k"] for block in notebook_blocks(nb)}
    assert kinds == {"h", "p", "ul", "table", "fig"}
    assert notebook_pdf(nb, "warm-up").startswith(b"%PDF-")


def test_a_worker_warms_up_once() -> None:
    first = worker.start_warm_up()
    first.join(timeout=120)
    assert not first.is_alive()
    assert worker.start_warm_up() is first


def test_the_notebook_stack_is_imported_before_the_warm_up_thread_starts() -> None:
    """The warm-up thread imports nbconvert, which shares modules with papermill's stack: that
    stack is fully imported, in the worker's own thread, before the thread starts (two threads
    importing one cycle of modules at once once failed a notebook with an ImportError)."""
    import subprocess
    import sys

    probe = (
        "import sys, threading\n"
        "seen = []\n"
        "start = threading.Thread.start\n"
        "def recording(self):\n"
        "    manager = sys.modules.get('jupyter_client.manager')\n"
        "    seen.append((self.name, hasattr(manager, 'AsyncKernelManager'),\n"
        "                 'papermill.engines' in sys.modules, 'nbconvert' in sys.modules))\n"
        "    start(self)\n"
        "threading.Thread.start = recording\n"
        "from rapnb.build import worker\n"
        "worker.start_warm_up().join(timeout=120)\n"
        "print([s for s in seen if s[0] == 'rapnb-warm-up'])\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=180, check=True)
    assert done.stdout.strip() == "[('rapnb-warm-up', True, True, False)]"
