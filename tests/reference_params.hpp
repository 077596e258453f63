// poolkit's window parameters in the naive reference's terms (tests/reference.hpp shares
// no code with the library, so the translation lives here). Valid parameters only.
#pragma once

#include <poolkit/params.hpp>

#include "reference.hpp"

namespace ref {

inline params from(const poolkit::pool2d_params& p) {
  params r;
  r.kh = p.kernel.h;
  r.kw = p.kernel.w;
  r.sh = p.effective_stride().h;
  r.sw = p.effective_stride().w;
  r.dh = p.dilation.h;
  r.dw = p.dilation.w;
  r.pbh = p.padding.h;
  r.pbw = p.padding.w;
  r.peh = p.effective_padding_end().h;
  r.pew = p.effective_padding_end().w;
  r.ceil_mode = p.ceil_mode;
  r.count_include_pad = p.count_include_pad;
  if (p.divisor_override) r.divisor_override = *p.divisor_override;
  return r;
}

}  // namespace ref
