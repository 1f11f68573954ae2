// tokenmint's JSON: reflection of plain aggregates, read, write, and the raw/value escape hatches.
#pragma once

#include <tokenmint/json/read.hpp>
#include <tokenmint/json/reflect.hpp>
#include <tokenmint/json/validate.hpp>
#include <tokenmint/json/value.hpp>
#include <tokenmint/json/write.hpp>
