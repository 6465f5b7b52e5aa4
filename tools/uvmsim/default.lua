-- default.lua: uvmsim's built-in workload (compiled into the binary).
--
-- init maps private anonymous memory, shared anonymous memory and a
-- shared file, and fills them; it forks children that run as
-- coroutines (or threads, with --procs threads): each writes its own pattern over part of its private copy
-- (copy-on-write), its slice of the shared file through the mapping,
-- grows a region of its own, and forks a grandchild that writes again.
-- Then every byte of every process, and the file through read(2), is
-- verified, and the views show what happened.

local uvm = require "uvm"

-- The fraction of RAM the workload touches.  Above 1 the pagedaemon must
-- page out to swap, and the verification pages everything back in.
local OVERCOMMIT = 1.5
local NCHILD = 4

local PG = uvm.pagesize
local function pages(bytes) return (bytes // PG) * PG end
local function kib(bytes) return bytes // 1024 end

local budget = math.floor(uvm.machine.ram * OVERCOMMIT)
local R = math.max(pages(budget // 8), 4 * PG)       -- private region
local G = math.max(pages(budget // 16), PG)          -- per-child growth
local S = math.max(pages(budget // 32), PG)          -- shared anon
local F = NCHILD * math.max(pages(budget // 64), PG) -- shared file
local slice = F // NCHILD

uvm.say("machine: %d KiB of RAM in %d-byte pages, %d swap pages, pmap %s,"
    .. " policy %s", kib(uvm.machine.ram), PG, uvm.sysctl("vm.uvmexp.swpages"),
    uvm.machine.pmap, uvm.machine.policy)

local init = uvm.spawn("init")
local priv = init:map{size = R}
local shanon = init:map{size = S, shared = true}
local file = uvm.open("shared.dat", "rwct")
file:fill(0, F, 7)                       -- written through UBC
local shfile = init:map{size = F, file = file, shared = true}
init:fill(priv, R, 1)
init:fill(shanon, S, 2)
uvm.say("init (pid %d): %d KiB private, %d KiB shared anonymous and a %d KiB"
    .. " shared file mapped and filled; %d pages free", init.pid, kib(R),
    kib(S), kib(F), uvm.sysctl("vm.uvmexp.free"))

local children, grand, grow = {}, {}, {}
local cow = R // 2          -- bytes of its private copy each child rewrites
local gcow = R // 4         -- and each grandchild, at the other end

local function child_body(i)
  return function()
    local c = init:fork("child" .. i)
    children[i] = c
    coroutine.yield()
    c:fill(priv, cow, 10 + i)                          -- copy-on-write
    coroutine.yield()
    c:fill(shfile + (i - 1) * slice, slice, 100 + i, shfile) -- the file
    coroutine.yield()
    grow[i] = c:map{size = G}
    c:fill(grow[i], G, 20 + i)
    coroutine.yield()
    local g = c:fork("grand" .. i)
    grand[i] = g
    g:fill(priv + R - gcow, gcow, 30 + i)              -- copy-on-write again
    uvm.say("child%d (pid %d): rewrote %d KiB of its copy, %d KiB of the"
        .. " file, grew %d KiB; grand%d (pid %d) rewrote %d KiB; %d pages"
        .. " free", i, c.pid, kib(cow), kib(slice), kib(G), i, g.pid,
        kib(gcow), uvm.sysctl("vm.uvmexp.free"))
  end
end

local bodies = {}
for i = 1, NCHILD do bodies[i] = child_body(i) end
uvm.run(table.unpack(bodies))

uvm.say("verifying every byte of %d processes", 1 + 2 * NCHILD)
local ok = true
local function v(r) ok = r and ok end
v(init:verify(priv, R, 1))
v(init:verify(shanon, S, 2))
for i = 1, NCHILD do
  local c, g = children[i], grand[i]
  v(c:verify(priv, cow, 10 + i))
  v(c:verify(priv + cow, R - cow, 1))
  v(c:verify(grow[i], G, 20 + i))
  v(g:verify(priv, cow, 10 + i))
  v(g:verify(priv + cow, R - cow - gcow, 1))
  v(g:verify(priv + R - gcow, gcow, 30 + i))
  v(g:verify(grow[i], G, 20 + i))
  v(c:verify(shanon, S, 2))
  -- Every process sees every child's slice of the shared file.
  for j = 1, NCHILD do
    v(g:verify(shfile + (j - 1) * slice, slice, 100 + j, shfile))
  end
end
-- The file's bytes are the same through read(2) (UBC) ...
for j = 1, NCHILD do
  v(file:verify((j - 1) * slice, slice, 100 + j))
end
-- ... and after they are written back.
file:sync()
v(file:verify(0, slice, 101))
v(uvm.check())
uvm.say("%s", ok and "every byte verified" or "VERIFICATION FAILED")

if not uvm.machine.quiet then
  print()
  uvm.swapctl_l()
end

print()
print("vmstat -s (before the processes exit):")
uvm.vmstat_s()
print()
for i = NCHILD, 1, -1 do grand[i]:exit(); children[i]:exit() end
init:exit()
file:close()
uvm.say("all processes exited; %d pages free", uvm.sysctl("vm.uvmexp.free"))
