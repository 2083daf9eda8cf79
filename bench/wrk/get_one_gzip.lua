-- GET one (get_one.lua, with its per-second trace) sending Accept-Encoding: gzip, as browsers do. A
-- task (~200 bytes) is below HTTP_COMPRESSION_MIN_BYTES, so this is what compression costs an answer
-- it leaves alone. (wrk.headers holds the -H headers already when this file runs, in every thread.)
dofile("bench/wrk/get_one.lua")
wrk.headers["Accept-Encoding"] = "gzip"
