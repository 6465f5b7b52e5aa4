-- swapoff.lua: swap devices come and go while processes hold memory.
--
--   uvmsim --no-swap run examples/swapoff.lua [FRACTION]
--
-- Adds two swap files of different priorities, has four processes fill
-- FRACTION of RAM between them, takes the preferred device away while
-- they hold it (swapoff must bring any page it holds back into RAM or
-- onto the other device), adds it back, and verifies every byte after
-- each step.  Pages reach swap only when the pagedaemon pages out: with
-- the default FRACTION the devices stay empty and only the bookkeeping is
-- exercised; with FRACTION near 1 part of the workers' memory is on them
-- when swapoff comes: swapoff waits for the pagedaemon to move pages to
-- the other device.  It fails with ENOMEM (device kept, nothing lost)
-- only when they fit neither in memory nor on the other device (about
-- FRACTION 1.4 and above with the default machine).
-- The workers run as coroutines, or as threads with --procs threads.
local uvm = require "uvm"

local FRACTION = tonumber(arg[1]) or 0.4
local N = 4
local PG = uvm.pagesize
local each = (math.floor(uvm.machine.ram * FRACTION / N) // PG) * PG

uvm.swapon("fast", "16M", 0)
uvm.swapon("slow", "32M", 10)
uvm.swapctl_l()

local procs, vas = {}, {}
local bodies = {}
for i = 1, N do
  bodies[i] = function()
    local p = uvm.spawn("worker" .. i)
    procs[i] = p
    vas[i] = p:map{size = each}
    for off = 0, each - 1, 16 * PG do
      p:fill(vas[i] + off, math.min(16 * PG, each - off), 50 + i)
      coroutine.yield()
    end
  end
end
uvm.run(table.unpack(bodies))

local ok = true
local function verify_all(when)
  for i = 1, N do ok = procs[i]:verify(vas[i], each, 50 + i) and ok end
  uvm.say("%s: %s (%d swap pages in use)", when, ok and "verified" or "FAILED",
      uvm.sysctl("vm.uvmexp.swpginuse"))
end
verify_all("filled")

uvm.swapoff("fast")
assert(#uvm.swaps() == 1, "swapoff left the device configured")
verify_all("after swapoff fast")
uvm.swapon("fast", "16M", 0)
verify_all("after swapon fast")
uvm.swapctl_l()
for i = 1, N do procs[i]:exit() end
assert(uvm.sysctl("vm.uvmexp.swpginuse") == 0, "swap still in use after exit")
