-- filemap.lua: read(2)/write(2) and mmap(2) of one file see the same bytes.
--
--   uvmsim run examples/filemap.lua [SIZE]
--
-- A file is written through UBC (vn_write), mapped shared by two
-- processes and privately by a third.  Writes through a shared mapping
-- show in read(2) and in the other mapping; write(2) shows in both
-- shared mappings; the private mapping sees the file until it writes,
-- then keeps its own copy and the file does not change.
local uvm = require "uvm"

local SIZE = uvm.size(arg[1] or "256K")
local PG = uvm.pagesize
local f = uvm.open("data.bin", "rwct")
f:fill(0, SIZE, 1)

local a, b, c = uvm.spawn("a"), uvm.spawn("b"), uvm.spawn("c")
local va = a:map{size = SIZE, file = f, shared = true}
local vb = b:map{size = SIZE, file = f, shared = true, prot = "r", maxprot = "r"}
local vc = c:map{size = SIZE, file = f}        -- private: copy-on-write
local ok = true
local function v(r) ok = r and ok end

-- Everybody sees what write(2) put there.
v(a:verify(va, SIZE, 1, va)); v(b:verify(vb, SIZE, 1, vb)); v(c:verify(vc, SIZE, 1, vc))

-- a writes the first half through its mapping.
a:fill(va, SIZE // 2, 2, va)
v(f:verify(0, SIZE // 2, 2))              -- read(2) sees it
v(b:verify(vb, SIZE // 2, 2, vb))         -- so does the other mapping
v(c:verify(vc, SIZE // 2, 2, vc))         -- and the untouched private one

-- write(2) over the second half.
f:fill(SIZE // 2, SIZE // 2, 3)
v(a:verify(va + SIZE // 2, SIZE // 2, 3, va))
v(b:verify(vb + SIZE // 2, SIZE // 2, 3, vb))

-- c writes its private copy: the file and the others do not change.
c:fill(vc, PG * 2, 4, vc)
v(c:verify(vc, PG * 2, 4, vc))
v(f:verify(0, PG * 2, 2))
v(a:verify(va, PG * 2, 2, va))

-- b's mapping is read-only: a write faults with EFAULT.
local wrote, err = pcall(b.write, b, vb, "x")
if wrote or not tostring(err):find("EFAULT") then
  error("a write to a read-only mapping did not fault: " .. tostring(err))
end

-- Written back to the host file, then still the same.
f:sync()
v(f:verify(0, SIZE // 2, 2)); v(f:verify(SIZE // 2, SIZE // 2, 3))
local st = f:stats()
uvm.say("file: %d KiB, %d pages resident, %d pages written back in %d I/Os",
    f:size() // 1024, st.resident, st.pageswritten, st.writeio)
a:pmap()
a:exit(); b:exit(); c:exit(); f:close()
uvm.say("%s", ok and "mappings and read/write agree" or "FAILED")
