"""A script run as a reader runs it (examples/side_by_side.py): options, table, checks."""

import subprocess
import sys

import pytest
from conftest import ROOT, copy_reader_runner, write_example

sys.path.insert(0, str(ROOT / "examples"))
import side_by_side
import variants
from variants import difference

from harness.core import formats


def workload(n: int = 10, label: str | None = None, loud: bool = False):
    """Numbers to add up.

    n: how many numbers
    loud: say so
    """
    if loud:
        print(f"adding {n} numbers ({label})")
    return list(range(n))


def loop(numbers):
    total = 0
    for x in numbers:
        total += x
    return total


BENCHMARK = {
    "workload": workload,
    "sizes": {"smoke": {"n": 100}, "full": {"n": 1000}},
    "variants": {
        "adding": {"loop": loop, "sum": sum, "wrong": lambda xs: sum(xs) + 1},
        "later": {"needs the future": {"run": sum, "requires": ["python>=99.0"]}, "sum": sum},
    },
}


def run(capsys, *argv, benchmark=BENCHMARK, shows=None):
    """What the script prints, and its exit code."""
    with pytest.raises(SystemExit) as ended:
        side_by_side.main(benchmark, shows, argv=list(argv))
    out = capsys.readouterr()
    return out.out, out.err, ended.value.code


def test_every_variant_is_timed_checked_and_shown_with_its_speedup(capsys):
    out, err, code = run(capsys, "--size", "smoke", "--skip", "wrong")
    lines = out.splitlines()
    assert lines[0] == "Size smoke: n=100"
    assert [line.split()[0] for line in lines[2:]] == ["adding:"] * 2 + ["later:"] * 2
    assert "adding: loop" in lines[2] and lines[2].endswith("baseline")
    assert "adding: sum" in lines[3] and lines[3].endswith("same") and "×" in lines[3]
    # A group whose first row cannot run here is compared with its first row that can.
    assert "later: needs the future  not run here: needs Python 99.0 or later" in out
    assert lines[5].endswith("baseline") and "later: sum" in lines[5]
    assert code == 0 and err == ""


def test_a_variant_that_disagrees_with_its_baseline_fails_the_run_and_says_where(capsys):
    out, err, code = run(capsys, "--size", "smoke", "--only", "wrong")
    assert code == 1
    assert "adding: wrong" in out and "DIFFERS" in out
    assert "'adding: wrong': result: 4951 != 4950" in err
    # --only kept the row it is compared with.
    assert "adding: loop" in out and "adding: sum" not in out


def test_each_argument_of_the_workload_is_an_option_that_overrides_the_size(capsys):
    out, _, _ = run(
        capsys, "--size", "smoke", "--n", "7", "--loud", "--label", "x", "--only", "sum"
    )
    assert "adding 7 numbers (x)" in out and "Size smoke: n=7, label=x, loud=True" in out
    parser = side_by_side.parser_for(BENCHMARK, {})
    help_text = " ".join(parser.format_help().split())
    assert "--n N how many numbers (default: the size's; 1000 at full)" in help_text
    assert "--loud, --no-loud say so (default: False)" in help_text
    assert "--label LABEL the workload's label" in help_text


def test_a_show_runs_instead_of_the_variants_and_one_without_input_makes_none(capsys):
    def numbers(data):
        """Print the numbers."""
        print("numbers:", data[:3])

    def hello():
        """Say hello."""
        print("hello")

    shows = {"numbers": numbers, "hello": hello}
    out, _, code = run(capsys, "--size", "smoke", "--show", "numbers", "--loud", shows=shows)
    assert "numbers: [0, 1, 2]" in out and "adding 100" in out and "time/call" not in out
    out, _, code = run(capsys, "--show", "hello", "--loud", shows=shows)
    assert out == "hello\n" and code == 0  # no workload made: it was not needed


@pytest.mark.parametrize(
    ("ratio", "text"),
    [(8.39e-5, "0.0000839×"), (0.679, "0.679×"), (0.99999, "1.00×"), (9.996, "10.0×"),
     (33.14, "33.1×"), (3025.07, "3,030×")],
)  # fmt: skip
def test_speedups_show_three_significant_figures(ratio, text):
    # A reader's run and the site write a speedup alike.
    assert side_by_side.speedup_text(ratio) == formats.speedup_text(ratio) == text


def test_a_script_runs_outside_the_repository_with_its_helpers_beside_it(tmp_path):
    """A reader who takes the code home puts the files in one folder and runs `python`."""
    home = tmp_path / "home"
    home.mkdir()
    copy_reader_runner(home)
    source = (ROOT / "examples" / "cpu" / "primes.py").read_text()
    (home / "primes.py").write_text(source)
    write_example(
        home,
        "counting",
        '''
        """Counting primes two ways."""
        from primes import count_primes

        BENCHMARK = {
            "workload": lambda limit: (0, limit),
            "sizes": {"smoke": {"limit": 2000}},
            "variants": {"once": count_primes, "again": count_primes},
        }
        ''',
    )
    done = subprocess.run(
        [sys.executable, "counting.py", "--size", "smoke"],
        cwd=home, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "once" in done.stdout and "same" in done.stdout


# --- whether two results agree (the harness uses the same) --------------------


def test_equal_results_agree_and_floats_agree_within_tolerance():
    assert difference({"a": [1, 2.0]}, {"a": [1, 2.0 + 1e-12]}, 1e-9) is None


def test_difference_names_where_results_differ():
    assert difference({"a": [1, 2]}, {"a": [1, 3]}, 1e-9) == "result['a'][1]: 2 != 3"
    assert "keys differ" in difference({"a": 1}, {"b": 1}, 1e-9)
    assert "length" in difference([1], [1, 2], 1e-9)


def test_arrays_are_compared_by_shape_and_value():
    np = pytest.importorskip("numpy")
    assert difference(np.zeros((2, 2)), np.zeros((2, 2)), 1e-9) is None
    assert "shape" in difference(np.zeros((2, 2)), np.zeros((4,)), 1e-9)
    assert difference(np.arange(4), np.arange(1, 5), 1e-9) == "result: arrays differ"


def test_an_unknown_requirement_is_named_with_the_known_ones():
    with pytest.raises(variants.UnknownRequirement, match="use 'gpu', 'c-compiler'"):
        variants.missing("gpus")
