import time, tracemalloc, sys
from tests.engine.hostile_stories import wide_meter
from crossroads.engine.loader import load_text
from crossroads.engine.validate import validate
from crossroads.engine.explore import deep_check, playtest
from crossroads.engine.stats import story_stats
for lo, hi in [(0,100),(0,10**4),(0,10**6),(-10**6,10**6)]:
    s = load_text(wide_meter(lo, hi))
    errs=[d.format() for d in validate(s) if d.severity=="error"]
    assert not errs, errs
    tracemalloc.start(); t=time.time()
    d = deep_check(s)
    t1=time.time()-t
    st = story_stats(s, runs=50); t2=time.time()-t-t1
    pt = playtest(s, 200) ; t3=time.time()-t-t1-t2
    peak=tracemalloc.get_traced_memory()[1]; tracemalloc.stop()
    print(lo,hi, f"deep {t1:.2f}s stats {t2:.2f}s playtest {t3:.2f}s peak {peak/1e6:.1f} MB", [x.code for x in d][:8])
