"""The draw-a-digit page in a real headless Chromium (Debian's, driven by Playwright).

Drawing is done with pointer events (Playwright's mouse, which the page receives as
pointerdown/pointermove/pointerup). Skips with the reason when Playwright or the system
Chromium is missing; `.ci/run` installs both. Screenshots go to ``test-artifacts/``. The
drawn 7 and 1 run with the fast tests; the rest of the page's behaviour is marked slow.
"""

import os
import pathlib
import shutil

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed (smallflow[web])")
pytest.importorskip("uvicorn", reason="the web extra is not installed (smallflow[web])")
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
)

import trained_models  # noqa: E402

from smallflow import web  # noqa: E402

CHROMIUM = os.environ.get("SMALLFLOW_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# The flags of a quiet, sandbox-free headless run that reaches nothing but our server.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = pathlib.Path(
    os.environ.get("SMALLFLOW_TEST_ARTIFACTS")
    or pathlib.Path(__file__).resolve().parents[1] / "test-artifacts"
)

# Strokes in fractions of the drawing area, as a person draws them.
SEVEN = [[(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]]
ONE = [[(0.5, 0.15), (0.5, 0.85)]]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = trained_models.model_folder(tmp_path_factory, {"softmax": 1000, "mlp": 30})
    with web.BackgroundServer(web.create_app(folder)) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        print(f"SKIPPED: {message}")
        pytest.skip(message)
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):
    """A fresh page of the server; every URL it requests is recorded in page.requested."""
    # bypass_csp lets the test's own scripts run; the page's policy is checked in test_web.
    context = browser.new_context(viewport={"width": 900, "height": 820}, bypass_csp=True)
    opened = context.new_page()
    opened.requested = []
    opened.on("request", lambda request: opened.requested.append(request.url))
    opened.goto(server.url + "/")
    opened.wait_for_selector("body[data-state=ready]")
    yield opened
    context.close()


def _draw(page, strokes):
    box = page.locator("#pad").bounding_box()

    def at(x, y):
        return box["x"] + x * box["width"], box["y"] + y * box["height"]

    for stroke in strokes:
        page.mouse.move(*at(*stroke[0]))
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(*at(x, y), steps=10)
        page.mouse.up()


def _prediction(page):
    page.wait_for_function("document.body.dataset.prediction")
    # Let the debounced request that follows the last stroke settle.
    page.wait_for_function("document.body.dataset.state === 'ready'")
    page.wait_for_timeout(400)
    page.wait_for_function("document.body.dataset.state === 'ready'")
    return int(page.evaluate("document.body.dataset.prediction"))


def _marked_pixels(page):
    """Pixels of the evidence canvas that are not white (the map shows something)."""
    return page.evaluate(
        """() => {
            const data = document.getElementById('evidence').getContext('2d')
                .getImageData(0, 0, 28, 28).data;
            let count = 0;
            for (let i = 0; i < data.length; i += 4) {
                if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) count++;
            }
            return count;
        }"""
    )


def _save(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.mark.parametrize(("digit", "strokes"), [(7, SEVEN), (1, ONE)], ids=["seven", "one"])
def test_a_drawn_digit_is_read_and_its_evidence_shown(page, server, digit, strokes):
    _draw(page, strokes)
    assert _prediction(page) == digit
    assert page.inner_text("#prediction") == str(digit)
    assert _marked_pixels(page) > 10
    assert "Evidence for" in page.inner_text("#evidence-caption")
    assert "Total evidence" in page.inner_text("#totals")
    assert _save(page, f"serve-{digit}.png").stat().st_size > 0
    outside = [url for url in page.requested if not url.startswith(server.url)]
    assert outside == []


@pytest.mark.slow
def test_undo_and_clear_take_strokes_back(page):
    _draw(page, ONE)
    assert _prediction(page) == 1
    _draw(page, [[(0.2, 0.5), (0.8, 0.5)]])
    _prediction(page)
    page.click("#undo")
    assert _prediction(page) == 1
    page.click("#clear")
    page.wait_for_function("document.body.dataset.prediction === ''")
    assert page.inner_text("#prediction") == "?"


@pytest.mark.slow
def test_the_mlp_shows_a_saliency_map(page):
    page.select_option("#model", "mlp")
    _draw(page, SEVEN)
    _prediction(page)
    assert "Saliency" in page.inner_text("#evidence-caption")
    assert _marked_pixels(page) > 10
    assert page.get_attribute("#onnx", "href") == "/api/models/mlp/onnx"


@pytest.mark.slow
def test_the_keyboard_alone_can_draw_and_undo(page):
    page.focus("#pad")
    page.keyboard.press("ArrowUp")
    for _ in range(5):
        page.keyboard.press("Shift+ArrowUp")
    page.keyboard.press("Space")
    for _ in range(22):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert _prediction(page) == 1
    page.keyboard.press("u")
    page.wait_for_function("document.body.dataset.prediction === ''")
    # Every control is reachable with Tab.
    reached = set()
    for _ in range(20):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
    assert {"undo", "clear", "model", "onnx"} <= reached


@pytest.mark.slow
def test_the_page_fits_a_phone_screen(browser, server):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True, bypass_csp=True
    )
    try:
        phone = context.new_page()
        phone.goto(server.url + "/")
        phone.wait_for_selector("body[data-state=ready]")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
        box = phone.locator("#pad").bounding_box()
        assert 200 <= box["width"] <= 360
        _draw(phone, SEVEN)
        assert _prediction(phone) == 7
        _save(phone, "serve-phone.png")
    finally:
        context.close()


@pytest.mark.slow
def test_the_model_can_run_in_the_browser_with_onnxruntime_web(page, server):
    listing = page.evaluate("fetch('/api/models').then((r) => r.json())")
    if not listing["browser_runtime"]:
        message = "onnxruntime-web is not bundled (run tools/fetch-onnxruntime-web)"
        print(f"SKIPPED: {message}")
        pytest.skip(message)
    page.check("#in-browser")
    _draw(page, SEVEN)
    page.wait_for_function("document.body.dataset.engine === 'browser'", timeout=60_000)
    assert _prediction(page) == 7
    in_browser = page.evaluate("JSON.parse(document.body.dataset.probabilities)")
    pixels = page.evaluate(
        """() => Array.from(document.getElementById('seen').getContext('2d')
              .getImageData(0, 0, 28, 28).data.filter((_, i) => i % 4 === 0))"""
    )
    assert sum(pixels) > 0
    assert "onnxruntime-web" in page.inner_text("#timing")
    on_server = page.evaluate("JSON.parse(document.body.dataset.serverProbabilities)")
    # The same model on the same (4-decimal) pixels: onnxruntime-web agrees with smallflow.
    assert max(abs(a - b) for a, b in zip(in_browser, on_server)) < 1e-3
    assert max(in_browser) == in_browser[7]
    outside = [url for url in page.requested if not url.startswith(server.url)]
    assert outside == []
    assert any(url.endswith(".wasm") for url in page.requested)
