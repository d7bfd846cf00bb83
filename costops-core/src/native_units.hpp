// A Decimal's units as the compiler's native unsigned 128-bit integer, for
// the hot paths that sum or print money (boost's generic shifts, masks and
// adds on its int128 are an order of magnitude slower). Internal to the
// library.
#pragma once

#include <cstddef>
#include <type_traits>

#include "costops/core/decimal.hpp"

namespace costops::core::detail {

// -pedantic would flag the extension without __extension__.
__extension__ using NativeUnsigned128 = unsigned __int128;
__extension__ using Native128 = __int128;

// |units|, read straight from the backend's limbs.
inline NativeUnsigned128 magnitude(const Decimal::Units& units) {
  const auto& backend = units.backend();
  const auto* limbs = backend.limbs();
  using Limb = std::remove_cv_t<std::remove_pointer_t<decltype(limbs)>>;
  NativeUnsigned128 m = 0;
  for (std::size_t i = backend.size(); i-- > 0;) {
    if constexpr (sizeof(Limb) >= sizeof(NativeUnsigned128))
      m = static_cast<NativeUnsigned128>(limbs[i]);
    else
      m = (m << (sizeof(Limb) * 8)) | limbs[i];
  }
  return m;
}

// The Decimal of magnitude `m` (at most 2^128 - 1 units) and that sign.
// Boost builds its int128 from a signed native value faster than from an
// unsigned one; magnitudes below 2^127 (all real ones) take that path.
inline Decimal from_magnitude(NativeUnsigned128 m, bool negative) {
  Decimal::Units units = (m >> 127) ? Decimal::Units(m) : Decimal::Units(static_cast<Native128>(m));
  if (negative) units = -units;
  return Decimal::from_units(units);
}

}  // namespace costops::core::detail
