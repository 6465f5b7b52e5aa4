-- policy.lua: one workload, the counters a replacement policy is judged by.
--
--   for p in clock clockpro; do
--     uvmsim --policy $p --ram 16M run examples/policy.lua
--   done
--
-- A hot working set is touched again and again while a cold scan streams
-- through memory once; a good policy keeps the hot set resident.  The
-- last line prints faults, pages freed and pages swapped in and out
-- under the machine's policy, ready to compare between runs (e.g.
-- --policy clock and --policy clockpro).  SCALE defaults to 1.5 times
-- RAM, so the pagedaemon has to choose.
local uvm = require "uvm"

-- hot + cold, as a fraction of RAM
local SCALE = tonumber(arg[1]) or 1.5
local ROUNDS = tonumber(arg[2]) or 4
local PG = uvm.pagesize
local total = (math.floor(uvm.machine.ram * SCALE) // PG) * PG
local hot = (total // 4 // PG) * PG
local cold = total - hot

local p = uvm.spawn("worker")
local vh = p:map{size = hot}
local vc = p:map{size = cold, advice = "sequential"}
local before = uvm.sysctl()
p:fill(vh, hot, 1)
for r = 1, ROUNDS do
  -- one pass over a quarter of the cold region, then the hot set again
  local q = (cold // ROUNDS // PG) * PG
  p:fill(vc + (r - 1) * q, q, 100 + r)
  assert(p:verify(vh, hot, 1))
end
local after = uvm.sysctl()
local function d(k) return after[k] - before[k] end
print(string.format("policy %-8s faults %d freed %d swapout %d swapin %d"
    .. " reactivated %d", uvm.machine.policy, d("faults"), d("pdfreed"),
    d("pgswapout"), d("pgswapin"), d("pdreact")))
p:exit()
