-- GET list (get_list.lua: skip=random, limit=10) sending Accept-Encoding: gzip. Ten seeded tasks are
-- about 1.7 KB, above HTTP_COMPRESSION_MIN_BYTES: this is what compressing a small answer costs.
dofile("bench/wrk/get_list.lua")
wrk.headers["Accept-Encoding"] = "gzip"
