SET time_zone = '+00:00';
SELECT id, ti, tiu, si, mi, miu, i, iu, bi, biu,
  f, d, dec1, dec2, dec3, dt, t0, t2, t3, t6, dt0, dt1, dt4, dt6, ts0, ts3, ts5, y,
  b1+0, b10+0, b64+0, e, s,
  HEX(CONVERT(c USING utf8mb4)), HEX(CONVERT(cl USING utf8mb4)), HEX(CONVERT(vc USING utf8mb4)), HEX(CONVERT(vl USING utf8mb4)),
  HEX(bn), HEX(vb),
  HEX(CONVERT(tt USING utf8mb4)), HEX(CONVERT(tx USING utf8mb4)), HEX(CONVERT(mt USING utf8mb4)), HEX(CONVERT(lt USING utf8mb4)), HEX(bl),
  j, HEX(g),
  HEX(CONVERT(u2 USING utf8mb4)), HEX(CONVERT(u32 USING utf8mb4)), HEX(CONVERT(gb USING utf8mb4)), HEX(CONVERT(cy USING utf8mb4)), HEX(CONVERT(sj USING utf8mb4))
FROM vals.all_types ORDER BY id;
