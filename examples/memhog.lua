-- memhog.lua: one process touches more and more memory.
--
--   uvmsim [--ram SIZE] run examples/memhog.lua [FRACTION [STEPS]]
--
-- Maps FRACTION times the machine's RAM of anonymous memory, fills it in
-- STEPS steps printing a vmstat line after each, then verifies every
-- byte.  With FRACTION above 1 the pagedaemon has to page out to swap
-- and the verification pages everything back in.  The default FRACTION
-- is 2; with --no-swap a FRACTION above 1 fails (ENOMEM: nothing can be
-- reclaimed).
local uvm = require "uvm"

local FRACTION = tonumber(arg[1]) or 2
local STEPS = tonumber(arg[2]) or 8
local PG = uvm.pagesize
local size = (math.floor(uvm.machine.ram * FRACTION) // (STEPS * PG)) * STEPS * PG
local step = size // STEPS

local hog = uvm.spawn("hog")
local va = hog:map{size = size}
uvm.say("hog: %d KiB of anonymous memory on a %d KiB machine", size // 1024,
    uvm.machine.ram // 1024)
uvm.vmstat(true)
for i = 0, STEPS - 1 do
  hog:fill(va + i * step, step, 1000 + i)
  uvm.vmstat(false)
end
local ok = true
for i = 0, STEPS - 1 do
  ok = hog:verify(va + i * step, step, 1000 + i) and ok
end
uvm.vmstat(false)
uvm.say("hog: %s; %d pages swapped out, %d swapped in", ok and "every byte verified"
    or "FAILED", uvm.sysctl("vm.uvmexp.pgswapout"), uvm.sysctl("vm.uvmexp.pgswapin"))
hog:exit()
