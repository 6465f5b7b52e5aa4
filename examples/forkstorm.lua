-- forkstorm.lua: a tree of forks sharing memory copy-on-write.
--
--   uvmsim run examples/forkstorm.lua [DEPTH [WIDTH [SIZE]]]
--
-- The root fills SIZE bytes of private memory.  Every process forks
-- WIDTH children, down to DEPTH levels; each child rewrites one page in
-- every PAGES of the region with its own pattern (a copy-on-write fault
-- per page) and runs as a coroutine (a thread of its own with --procs
-- threads), so the writes of the whole tree interleave.  At the end every process must see its own pages, its
-- ancestors' bytes elsewhere (each level's writes hide the ones above
-- them), and the root must see its original bytes everywhere.
local uvm = require "uvm"

local DEPTH = tonumber(arg[1]) or 3
local WIDTH = tonumber(arg[2]) or 3
local SIZE = uvm.size(arg[3] or "1M")
local PG = uvm.pagesize
local STRIDE = 4 -- each process rewrites one page in STRIDE

local cow0 = uvm.sysctl("vm.uvmexp.flt_acow")
local root = uvm.spawn("root")
local va = root:map{size = SIZE}
root:fill(va, SIZE, 1)

local all = {}      -- every process with the seeds it expects per page
local seq = 1
local function expect_of(parent_expect, mine, level)
  local e = {}
  for pg = 0, SIZE // PG - 1 do
    if pg % STRIDE == level % STRIDE then e[pg] = mine else e[pg] = parent_expect[pg] end
  end
  return e
end

local root_expect = {}
for pg = 0, SIZE // PG - 1 do root_expect[pg] = 1 end
all[1] = {proc = root, expect = root_expect}

local function grow(parent, pexpect, level)
  if level > DEPTH then return end
  local bodies = {}
  for w = 1, WIDTH do
    bodies[w] = function()
      seq = seq + 1
      local mine = 100 + seq
      local c = parent:fork(parent.name .. "." .. w)
      coroutine.yield()
      local e = expect_of(pexpect, mine, level)
      for pg = level % STRIDE, SIZE // PG - 1, STRIDE do
        c:fill(va + pg * PG, PG, mine)
        if pg % (8 * STRIDE) == 0 then coroutine.yield() end
      end
      all[#all + 1] = {proc = c, expect = e}
      grow(c, e, level + 1)
    end
  end
  uvm.run(table.unpack(bodies))
end

grow(root, root_expect, 1)
local cows = uvm.sysctl("vm.uvmexp.flt_acow") - cow0
uvm.say("%d processes, %d copy-on-write faults, %d pages free", #all, cows,
    uvm.sysctl("vm.uvmexp.free"))

local bad = 0
for _, p in ipairs(all) do
  for pg = 0, SIZE // PG - 1 do
    if not p.proc:verify(va + pg * PG, PG, p.expect[pg]) then bad = bad + 1 end
  end
end
-- Every child wrote SIZE/STRIDE/PG pages, each a copy-on-write fault.
local want = (#all - 1) * (SIZE // PG // STRIDE)
if cows < want then
  error(string.format("expected at least %d copy-on-write faults, saw %d",
      want, cows))
end
uvm.vmstat(true)
for i = #all, 1, -1 do all[i].proc:exit() end
uvm.say("verified %d processes: %s", #all, bad == 0 and "ok" or "FAILED")
