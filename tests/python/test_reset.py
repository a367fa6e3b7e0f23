"""A campaign runs its executions in one World reset before each (issue 14):
every execution must be the one a new World runs. Checked through the
Python generator path and the Program path: the campaign's distinct trace
hashes and its failure against each execution run alone in a new World."""

import kernsim


def fresh(scn, variant, n):
    return [kernsim.run(scn, strategy="random", seed=7, execution=ex, variant=variant)
            for ex in range(n)]


def test_campaign_distinct_hashes_are_the_new_worlds(handshake):
    for name in ("submit", "submit_program"):
        scn = kernsim.resolve(f"{handshake}:{name}")
        n = 120
        r = kernsim.explore(scn, strategy="random", seed=7, runs=n, variant="none")
        assert r.runs == n and not r.failure, r.failure
        alone = fresh(scn, "none", n)
        assert {f.kind for f in alone} == {"pass"}
        assert r.distinct == len({f.hash for f in alone}) > 10, name


def test_campaign_failure_is_the_new_worlds(handshake):
    variant = "no_done_check"
    for name in ("submit", "submit_program"):
        scn = kernsim.resolve(f"{handshake}:{name}")
        # A seed whose first failure is not its first execution: executions
        # ran in the reset World before the failing one.
        for seed in range(7, 40):
            r = kernsim.explore(scn, strategy="random", seed=seed, runs=3000, variant=variant)
            assert r.failure, name
            if r.failure.execution > 0:
                break
        ex = r.failure.execution
        assert ex > 0, name
        alone = kernsim.run(scn, strategy="random", seed=seed, execution=ex, variant=variant)
        assert (alone.kind, alone.signature, alone.hash) == \
            (r.failure.kind, r.failure.signature, r.failure.hash), name
