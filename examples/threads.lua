-- threads.lua: processes faulting at the same time, on shared memory,
-- under memory pressure.
--
--   uvmsim --procs threads --daemon threaded run examples/threads.lua \
--       [NPROC [FRACTION]]
--
-- init maps private memory (FRACTION of RAM), two shared anonymous
-- regions (aobjs) and a shared file, and forks NPROC children.  Each
-- child's body runs on a thread of its own (with --procs threads; as a
-- coroutine otherwise) and, while the others do the same:
--   - writes its own slice of the shared anonymous region and of the
--     file mapping (disjoint writes into one aobj and one vnode object);
--   - writes the same pattern as every other child over one common
--     region (overlapping writes racing for the same pages);
--   - rewrites half of its private copy (copy-on-write faults on the
--     amap all the children share with init);
--   - forks a grandchild that rewrites all of it (fork while the others
--     fault; the grandchildren push the machine past its RAM, so the
--     pagedaemon pages out while the faults go on);
--   - in turn (child i waits for child i-1 through a flag in shared
--     memory), writes a region that half overlaps the one child i-1
--     wrote, so the later writer wins half of it.
-- Then every process checks every byte it can see, again one thread
-- per process, and the file is checked through read(2).
local uvm = require "uvm"

local NPROC = tonumber(arg[1]) or 4
local FRACTION = tonumber(arg[2]) or 0.25
local PG = uvm.pagesize
local function pages(bytes) return math.max(bytes // PG, 1) * PG end
local function kib(bytes) return bytes // 1024 end

local R = pages(math.floor(uvm.machine.ram * FRACTION)) -- private
local SLICE = pages(R // (4 * NPROC))                   -- per child
local A = NPROC * SLICE                                 -- shared anon
local F = NPROC * SLICE                                 -- shared file
local C = pages(R // 8)                                 -- common region
local H = pages(R // (4 * NPROC))                       -- overlap step
local O = (NPROC + 1) * H                               -- overlap region

uvm.say("threads: %d children on %s, pagedaemon %s; %d KiB private each,"
    .. " %d KiB of RAM", NPROC, uvm.machine.procs, uvm.machine.daemon,
    kib(R), kib(uvm.machine.ram))

local init = uvm.spawn("init")
local priv = init:map{size = R}
local shanon = init:map{size = A, shared = true}
local common = init:map{size = C, shared = true}
local overlap = init:map{size = O, shared = true}
local board = init:map{size = PG, shared = true}   -- turn flags
local file = uvm.open("threads.dat", "rwct")
file:fill(0, F, 0)
local shfile = init:map{size = F, file = file, shared = true}
init:fill(priv, R, 1)

local children, grand = {}, {}
for i = 1, NPROC do children[i] = init:fork("child" .. i) end

local function child_body(i)
  return function()
    local c = children[i]
    c:fill(shanon + (i - 1) * SLICE, SLICE, 10 + i)
    c:fill(shfile + (i - 1) * SLICE, SLICE, 100 + i, shfile)
    c:fill(common, C, 7)
    c:fill(priv, R // 2, 20 + i)
    local g = c:fork("grand" .. i)
    grand[i] = g
    g:fill(priv, R, 30 + i)
    -- Wait for child i-1's turn to end, then take ours.
    if i > 1 then
      while c:read(board + i - 2, 1) ~= "\1" do coroutine.yield() end
    end
    c:fill(overlap + (i - 1) * H, 2 * H, 40 + i)
    c:write(board + i - 1, "\1")
  end
end

local bodies = {}
for i = 1, NPROC do bodies[i] = child_body(i) end
uvm.run(table.unpack(bodies))
uvm.say("children done: %d pages free, %d swapped out, %d swapped in,"
    .. " %d copy-on-write faults", uvm.sysctl("vm.uvmexp.free"),
    uvm.sysctl("vm.uvmexp.pgswapout"), uvm.sysctl("vm.uvmexp.pgswapin"),
    uvm.sysctl("vm.uvmexp.flt_acow"))

-- What every process sees in the shared regions.
local ok = true
local function v(r) ok = r and ok end
local function shared_ok(p)
  for j = 1, NPROC do
    v(p:verify(shanon + (j - 1) * SLICE, SLICE, 10 + j))
    v(p:verify(shfile + (j - 1) * SLICE, SLICE, 100 + j, shfile))
    -- child j's overlap region lost its second half to child j+1
    v(p:verify(overlap + (j - 1) * H, H, 40 + j))
  end
  v(p:verify(overlap + NPROC * H, H, 40 + NPROC))
  v(p:verify(common, C, 7))
  local flags = p:read(board, NPROC)
  if flags ~= string.rep("\1", NPROC) then
    error(string.format("%s: the turn flags read %q", p, flags))
  end
end

local checks = {
  function()
    v(init:verify(priv, R, 1))
    shared_ok(init)
  end,
}
for i = 1, NPROC do
  checks[#checks + 1] = function()
    local c = children[i]
    v(c:verify(priv, R // 2, 20 + i))
    v(c:verify(priv + R // 2, R - R // 2, 1))
    shared_ok(c)
  end
  checks[#checks + 1] = function()
    v(grand[i]:verify(priv, R, 30 + i))
    shared_ok(grand[i])
  end
end
uvm.run(table.unpack(checks))
for j = 1, NPROC do
  v(file:verify((j - 1) * SLICE, SLICE, 100 + j))
end
v(uvm.check())
uvm.say("verified %d processes: %s", 1 + 2 * NPROC, ok and "ok" or "FAILED")

for i = NPROC, 1, -1 do grand[i]:exit(); children[i]:exit() end
init:exit()
file:close()
uvm.say("all processes exited; %d pages free", uvm.sysctl("vm.uvmexp.free"))
