"""devfs_set_cdevpriv(9) on tests/drivers/fbpriv.c: per-open private data
a driver sets in d_open and finds again in its other methods, destroyed
once when the open goes away (after its close, when d_open fails after
setting it, at devfs_clear_cdevpriv, at destroy_dev). Before this a
FreeBSD driver keeping per-open state this way did not compile."""
import pytest

import kernsim

import fbpriv_scenarios as fp


def scn(name):
    return kernsim.resolve(f"{fp.__file__}:{name}")


@pytest.mark.parametrize("name,runs", [("two_opens", 500), ("lifetime", 20), ("left_open", 5),
                                       ("unloaded_while_open", 5)])
def test_the_correct_driver_gets_no_report(name, runs):
    r = kernsim.explore(scn(name), strategy="pct", runs=runs, seed=4, variant="none")
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


def test_per_open_state_kept_in_the_softc_is_found_and_replays(tmp_path):
    r = kernsim.explore(scn("two_opens"), strategy="pct", runs=2000, seed=4,
                        variant="id_in_softc")
    assert r.failure is not None and "the open's id was" in r.failure.message, r.failure
    path = str(tmp_path / "id_in_softc.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches
