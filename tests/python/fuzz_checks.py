"""What each driver's fuzz tests check (test_fuzz_drivers.py,
test_streams_fuzz.py, test_qnx_fuzz.py): a seeded campaign from an empty
corpus reaches a variant within a budget and its minimized repro replays;
the correct driver gives no finding and its coverage grows."""

from kernsim import api, fuzz_desc, fuzz_engine


def description(root, driver):
    return fuzz_desc.load(fuzz_desc.find(driver, root))


def finds_and_replays(root, tmp_path, driver, variant, budget, expected, seed):
    """`expected`: (kind, signature prefix) pairs, any of which will do."""
    fz = fuzz_engine.Fuzzer(description(root, driver), variant, seed=seed, out_dir=str(tmp_path))
    fz.run(executions=budget, stop_on_find=True)
    hits = [f for (k, s), f in fz.findings.items()
            if any(k == kind and s.startswith(sig) for kind, sig in expected)]
    assert hits, f"{driver}/{variant} seed {seed}: nothing like {expected} in {list(fz.findings)}"
    f = hits[0]
    assert f.executions <= budget and f.replayed
    r = api.replay(f.repro_path)
    assert r.matched, r.mismatches


def no_findings(root, tmp_path, driver, executions, min_edges, min_pairs):
    fz = fuzz_engine.Fuzzer(description(root, driver), "none", seed=11, out_dir=str(tmp_path))
    fz.run(executions=executions)
    assert not fz.findings, (driver, list(fz.findings))
    assert fz.stats.edges > min_edges and fz.stats.pairs > min_pairs, (driver, fz.stats)
