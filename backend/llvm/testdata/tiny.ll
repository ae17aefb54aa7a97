; kiln model tiny, compiled from its int8 graph.
; Entry points: kiln_tiny_run (int8 in and out), kiln_tiny_run_f32 (float in and out), kiln_tiny_arena_size.
; Dot products: the generic form.
; Arena: 256 bytes per example.

; h.weight.q = param  tiny.kiln:4:13 in rows of 16, zero past its 6 inputs, blocks of four units interleaved
@h.weight.q.packed = private unnamed_addr constant [128 x i8] c"\CC\BD\EC\81L\BB\00\00\00\00\00\00\00\00\00\00\7F\96W\DCL\12\00\00\00\00\00\00\00\00\00\00\81\C5\CC\A9[\D1\00\00\00\00\00\00\00\00\00\00\AF\1E\8F\AF\7F\E4\00\00\00\00\00\00\00\00\00\00\EE\F7A4\F0\7F\00\00\00\00\00\00\00\00\00\00\8E\F9\7F]C\17\00\00\00\00\00\00\00\00\00\00\CB\84\CC\F0\BC\7F\00\00\00\00\00\00\00\00\00\00f\E0\CE\81 \93\00\00\00\00\00\00\00\00\00\00", align 64
; bias of h.q, plus its input offset -3 times the weights' row sums
@h.q.bias = private unnamed_addr constant [8 x i32] [i32 4823, i32 1326, i32 -2502, i32 3653, i32 -1013, i32 -4674, i32 -5028, i32 -3359], align 64
; per-unit multipliers of h.q
@h.q.mult = private unnamed_addr constant [8 x i32] [i32 1332712454, i32 1447568384, i32 1392929769, i32 1223045875, i32 1395462633, i32 1467298014, i32 1535183406, i32 1428068386], align 64
; per-unit shifts of h.q
@h.q.shift = private unnamed_addr constant [8 x i32] [i32 -6, i32 -6, i32 -6, i32 -6, i32 -6, i32 -6, i32 -7, i32 -6], align 64
; y.weight.q = param  tiny.kiln:5:14 in rows of 16, zero past its 8 inputs, blocks of four units interleaved
@y.weight.q.packed = private unnamed_addr constant [64 x i8] c"Wq\AF\A8\7F\CA\02\F6\00\00\00\00\00\00\00\00\7F\B0\F2\9C!\E5\91\1F\00\00\00\00\00\00\00\00\81\DE\1Aw\AD]Fh\00\00\00\00\00\00\00\00\121\C4\07F\F2y\81\00\00\00\00\00\00\00\00", align 64
; bias of y.q, plus its input offset 128 times the weights' row sums
@y.q.bias = private unnamed_addr constant [4 x i32] [i32 23657, i32 -10685, i32 27327, i32 4479], align 64
; per-unit multipliers of y.q
@y.q.mult = private unnamed_addr constant [4 x i32] [i32 2094130894, i32 2063558269, i32 1105992514, i32 2065668172], align 64
; per-unit shifts of y.q
@y.q.shift = private unnamed_addr constant [4 x i32] [i32 -8, i32 -8, i32 -7, i32 -8], align 64

declare void @llvm.memcpy.p0i8.p0i8.i64(i8* %dst, i8* %src, i64 %len, i1 %volatile)

declare i32 @llvm.vector.reduce.add.v16i32(<16 x i32> %0)

define internal void @kiln_widen(i8* %x, i8* %xw, i64 %rows, i64 %in, i64 %ld) nounwind {
entry:
	%0 = bitcast i8* %xw to i16*
	br label %row

row:
	%row.i = phi i64 [ 0, %entry ], [ %17, %pad.end ]
	%1 = icmp slt i64 %row.i, %rows
	br i1 %1, label %row.body, label %row.end

row.body:
	%2 = mul i64 %row.i, %in
	%3 = getelementptr i8, i8* %x, i64 %2
	%4 = mul i64 %row.i, %ld
	%5 = getelementptr i16, i16* %0, i64 %4
	br label %i

row.end:
	ret void

i:
	%i.i = phi i64 [ 0, %row.body ], [ %11, %i.body ]
	%6 = icmp slt i64 %i.i, %in
	br i1 %6, label %i.body, label %i.end

i.body:
	%7 = getelementptr i8, i8* %3, i64 %i.i
	%8 = load i8, i8* %7
	%9 = sext i8 %8 to i16
	%10 = getelementptr i16, i16* %5, i64 %i.i
	store i16 %9, i16* %10
	%11 = add i64 %i.i, 1
	br label %i

i.end:
	%12 = sub i64 %ld, %in
	br label %pad

pad:
	%pad.i = phi i64 [ 0, %i.end ], [ %16, %pad.body ]
	%13 = icmp slt i64 %pad.i, %12
	br i1 %13, label %pad.body, label %pad.end

pad.body:
	%14 = add i64 %in, %pad.i
	%15 = getelementptr i16, i16* %5, i64 %14
	store i16 0, i16* %15
	%16 = add i64 %pad.i, 1
	br label %pad

pad.end:
	%17 = add i64 %row.i, 1
	br label %row
}

define internal i32 @kiln_requant(i32 %x, i32 %m, i32 %shift) nounwind {
entry:
	%0 = icmp sgt i32 %shift, 0
	%1 = select i1 %0, i32 %shift, i32 0
	%2 = sub i32 0, %shift
	%3 = select i1 %0, i32 0, i32 %2
	%4 = shl i32 %x, %1
	%5 = icmp eq i32 %4, -2147483648
	%6 = icmp eq i32 %m, -2147483648
	%7 = and i1 %5, %6
	%8 = sext i32 %4 to i64
	%9 = sext i32 %m to i64
	%10 = mul i64 %8, %9
	%11 = icmp sge i64 %10, 0
	%12 = select i1 %11, i64 u0x40000000, i64 -1073741823
	%13 = add i64 %10, %12
	%14 = sdiv i64 %13, u0x80000000
	%15 = trunc i64 %14 to i32
	%16 = select i1 %7, i32 u0x7FFFFFFF, i32 %15
	%17 = shl i32 1, %3
	%18 = sub i32 %17, 1
	%19 = and i32 %16, %18
	%20 = ashr i32 %18, 1
	%21 = icmp slt i32 %16, 0
	%22 = zext i1 %21 to i32
	%23 = add i32 %20, %22
	%24 = icmp sgt i32 %19, %23
	%25 = zext i1 %24 to i32
	%26 = ashr i32 %16, %3
	%27 = add i32 %26, %25
	ret i32 %27
}

define internal void @kiln_qdense(i8* %x, i8* %w, i32* %bias, i32* %mult, i32* %shift, i8* %out, i64 %rows, i64 %in, i64 %units, i64 %ors, i64 %ous, i32 %out_off, i32 %lo, i32 %hi) nounwind {
entry:
	%0 = sdiv i64 %in, 16
	%1 = mul i64 %0, 16
	%2 = sub i64 %in, %1
	%3 = icmp sgt i64 %2, 0
	%4 = zext i1 %3 to i64
	%5 = add i64 %0, %4
	%6 = mul i64 %5, 16
	%7 = alloca <16 x i8>, align 64
	%8 = alloca <16 x i8>, align 64
	%9 = bitcast i8* %x to i16*
	%10 = sdiv i64 %6, 16
	%11 = icmp sge i64 %units, 4
	%12 = add i64 %units, 3
	%13 = sdiv i64 %12, 4
	%14 = select i1 %11, i64 %13, i64 0
	br label %block

block:
	%block.i = phi i64 [ 0, %entry ], [ %312, %row.end ]
	%15 = icmp slt i64 %block.i, %14
	br i1 %15, label %block.body, label %block.end

block.body:
	%16 = mul i64 %block.i, 4
	%17 = sub i64 %units, 4
	%18 = icmp slt i64 %16, %17
	%19 = select i1 %18, i64 %16, i64 %17
	%20 = getelementptr i32, i32* %bias, i64 %19
	%21 = bitcast i32* %20 to <4 x i32>*
	%22 = load <4 x i32>, <4 x i32>* %21, align 4
	%23 = getelementptr i32, i32* %mult, i64 %19
	%24 = bitcast i32* %23 to <4 x i32>*
	%25 = load <4 x i32>, <4 x i32>* %24, align 4
	%26 = getelementptr i32, i32* %shift, i64 %19
	%27 = bitcast i32* %26 to <4 x i32>*
	%28 = load <4 x i32>, <4 x i32>* %27, align 4
	%29 = mul i64 %6, 4
	%30 = mul i64 %block.i, %29
	%31 = getelementptr i8, i8* %w, i64 %30
	%32 = insertelement <4 x i32> undef, i32 %out_off, i32 0
	%33 = shufflevector <4 x i32> %32, <4 x i32> undef, <4 x i32> zeroinitializer
	%34 = insertelement <4 x i32> undef, i32 %lo, i32 0
	%35 = shufflevector <4 x i32> %34, <4 x i32> undef, <4 x i32> zeroinitializer
	%36 = insertelement <4 x i32> undef, i32 %hi, i32 0
	%37 = shufflevector <4 x i32> %36, <4 x i32> undef, <4 x i32> zeroinitializer
	%38 = sdiv i64 %rows, 2
	br label %rows2

block.end:
	%39 = select i1 %11, i64 0, i64 %units
	br label %unit

rows2:
	%rows2.i = phi i64 [ 0, %block.body ], [ %302, %dot8.vec.end ]
	%40 = icmp slt i64 %rows2.i, %38
	br i1 %40, label %rows2.body, label %rows2.end

rows2.body:
	%41 = mul i64 %rows2.i, 2
	%42 = add i64 %41, 1
	%43 = mul i64 %41, %6
	%44 = getelementptr i16, i16* %9, i64 %43
	%45 = mul i64 %42, %6
	%46 = getelementptr i16, i16* %9, i64 %45
	%47 = getelementptr i8, i8* %31, i64 0
	%48 = getelementptr i8, i8* %31, i64 16
	%49 = getelementptr i8, i8* %31, i64 32
	%50 = getelementptr i8, i8* %31, i64 48
	br label %dot8.vec

rows2.end:
	%51 = mul i64 %38, 2
	%52 = sub i64 %rows, %51
	br label %row

dot8.vec:
	%dot8.vec.i = phi i64 [ 0, %rows2.body ], [ %117, %dot8.vec.body ]
	%53 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %76, %dot8.vec.body ]
	%54 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %88, %dot8.vec.body ]
	%55 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %100, %dot8.vec.body ]
	%56 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %112, %dot8.vec.body ]
	%57 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %80, %dot8.vec.body ]
	%58 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %92, %dot8.vec.body ]
	%59 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %104, %dot8.vec.body ]
	%60 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %116, %dot8.vec.body ]
	%61 = icmp slt i64 %dot8.vec.i, %10
	br i1 %61, label %dot8.vec.body, label %dot8.vec.end

dot8.vec.body:
	%62 = mul i64 %dot8.vec.i, 16
	%63 = getelementptr i16, i16* %44, i64 %62
	%64 = bitcast i16* %63 to <16 x i16>*
	%65 = load <16 x i16>, <16 x i16>* %64, align 2
	%66 = getelementptr i16, i16* %46, i64 %62
	%67 = bitcast i16* %66 to <16 x i16>*
	%68 = load <16 x i16>, <16 x i16>* %67, align 2
	%69 = mul i64 %62, 4
	%70 = getelementptr i8, i8* %47, i64 %69
	%71 = bitcast i8* %70 to <16 x i8>*
	%72 = load <16 x i8>, <16 x i8>* %71, align 1
	%73 = sext <16 x i16> %65 to <16 x i32>
	%74 = sext <16 x i8> %72 to <16 x i32>
	%75 = mul <16 x i32> %73, %74
	%76 = add <16 x i32> %53, %75
	%77 = sext <16 x i16> %68 to <16 x i32>
	%78 = sext <16 x i8> %72 to <16 x i32>
	%79 = mul <16 x i32> %77, %78
	%80 = add <16 x i32> %57, %79
	%81 = mul i64 %62, 4
	%82 = getelementptr i8, i8* %48, i64 %81
	%83 = bitcast i8* %82 to <16 x i8>*
	%84 = load <16 x i8>, <16 x i8>* %83, align 1
	%85 = sext <16 x i16> %65 to <16 x i32>
	%86 = sext <16 x i8> %84 to <16 x i32>
	%87 = mul <16 x i32> %85, %86
	%88 = add <16 x i32> %54, %87
	%89 = sext <16 x i16> %68 to <16 x i32>
	%90 = sext <16 x i8> %84 to <16 x i32>
	%91 = mul <16 x i32> %89, %90
	%92 = add <16 x i32> %58, %91
	%93 = mul i64 %62, 4
	%94 = getelementptr i8, i8* %49, i64 %93
	%95 = bitcast i8* %94 to <16 x i8>*
	%96 = load <16 x i8>, <16 x i8>* %95, align 1
	%97 = sext <16 x i16> %65 to <16 x i32>
	%98 = sext <16 x i8> %96 to <16 x i32>
	%99 = mul <16 x i32> %97, %98
	%100 = add <16 x i32> %55, %99
	%101 = sext <16 x i16> %68 to <16 x i32>
	%102 = sext <16 x i8> %96 to <16 x i32>
	%103 = mul <16 x i32> %101, %102
	%104 = add <16 x i32> %59, %103
	%105 = mul i64 %62, 4
	%106 = getelementptr i8, i8* %50, i64 %105
	%107 = bitcast i8* %106 to <16 x i8>*
	%108 = load <16 x i8>, <16 x i8>* %107, align 1
	%109 = sext <16 x i16> %65 to <16 x i32>
	%110 = sext <16 x i8> %108 to <16 x i32>
	%111 = mul <16 x i32> %109, %110
	%112 = add <16 x i32> %56, %111
	%113 = sext <16 x i16> %68 to <16 x i32>
	%114 = sext <16 x i8> %108 to <16 x i32>
	%115 = mul <16 x i32> %113, %114
	%116 = add <16 x i32> %60, %115
	%117 = add i64 %dot8.vec.i, 1
	br label %dot8.vec

dot8.vec.end:
	%118 = shufflevector <16 x i32> %53, <16 x i32> %53, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%119 = shufflevector <16 x i32> %53, <16 x i32> %53, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%120 = add <8 x i32> %118, %119
	%121 = shufflevector <8 x i32> %120, <8 x i32> %120, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%122 = shufflevector <8 x i32> %120, <8 x i32> %120, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%123 = add <4 x i32> %121, %122
	%124 = shufflevector <16 x i32> %54, <16 x i32> %54, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%125 = shufflevector <16 x i32> %54, <16 x i32> %54, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%126 = add <8 x i32> %124, %125
	%127 = shufflevector <8 x i32> %126, <8 x i32> %126, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%128 = shufflevector <8 x i32> %126, <8 x i32> %126, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%129 = add <4 x i32> %127, %128
	%130 = shufflevector <16 x i32> %55, <16 x i32> %55, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%131 = shufflevector <16 x i32> %55, <16 x i32> %55, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%132 = add <8 x i32> %130, %131
	%133 = shufflevector <8 x i32> %132, <8 x i32> %132, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%134 = shufflevector <8 x i32> %132, <8 x i32> %132, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%135 = add <4 x i32> %133, %134
	%136 = shufflevector <16 x i32> %56, <16 x i32> %56, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%137 = shufflevector <16 x i32> %56, <16 x i32> %56, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%138 = add <8 x i32> %136, %137
	%139 = shufflevector <8 x i32> %138, <8 x i32> %138, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%140 = shufflevector <8 x i32> %138, <8 x i32> %138, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%141 = add <4 x i32> %139, %140
	%142 = shufflevector <4 x i32> %123, <4 x i32> %129, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%143 = shufflevector <4 x i32> %123, <4 x i32> %129, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%144 = add <4 x i32> %142, %143
	%145 = shufflevector <4 x i32> %135, <4 x i32> %141, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%146 = shufflevector <4 x i32> %135, <4 x i32> %141, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%147 = add <4 x i32> %145, %146
	%148 = shufflevector <4 x i32> %144, <4 x i32> %147, <4 x i32> <i32 0, i32 1, i32 4, i32 5>
	%149 = shufflevector <4 x i32> %144, <4 x i32> %147, <4 x i32> <i32 2, i32 3, i32 6, i32 7>
	%150 = add <4 x i32> %148, %149
	%151 = add <4 x i32> %150, %22
	%152 = icmp sgt <4 x i32> %28, <i32 0, i32 0, i32 0, i32 0>
	%153 = select <4 x i1> %152, <4 x i32> %28, <4 x i32> <i32 0, i32 0, i32 0, i32 0>
	%154 = sub <4 x i32> <i32 0, i32 0, i32 0, i32 0>, %28
	%155 = select <4 x i1> %152, <4 x i32> <i32 0, i32 0, i32 0, i32 0>, <4 x i32> %154
	%156 = shl <4 x i32> %151, %153
	%157 = icmp eq <4 x i32> %156, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%158 = icmp eq <4 x i32> %25, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%159 = and <4 x i1> %157, %158
	%160 = sext <4 x i32> %156 to <4 x i64>
	%161 = sext <4 x i32> %25 to <4 x i64>
	%162 = mul <4 x i64> %160, %161
	%163 = icmp sge <4 x i64> %162, <i64 0, i64 0, i64 0, i64 0>
	%164 = select <4 x i1> %163, <4 x i64> <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>, <4 x i64> <i64 -1073741823, i64 -1073741823, i64 -1073741823, i64 -1073741823>
	%165 = add <4 x i64> %162, %164
	%166 = sdiv <4 x i64> %165, <i64 u0x80000000, i64 u0x80000000, i64 u0x80000000, i64 u0x80000000>
	%167 = trunc <4 x i64> %166 to <4 x i32>
	%168 = select <4 x i1> %159, <4 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <4 x i32> %167
	%169 = shl <4 x i32> <i32 1, i32 1, i32 1, i32 1>, %155
	%170 = sub <4 x i32> %169, <i32 1, i32 1, i32 1, i32 1>
	%171 = and <4 x i32> %168, %170
	%172 = ashr <4 x i32> %170, <i32 1, i32 1, i32 1, i32 1>
	%173 = icmp slt <4 x i32> %168, <i32 0, i32 0, i32 0, i32 0>
	%174 = zext <4 x i1> %173 to <4 x i32>
	%175 = add <4 x i32> %172, %174
	%176 = icmp sgt <4 x i32> %171, %175
	%177 = zext <4 x i1> %176 to <4 x i32>
	%178 = ashr <4 x i32> %168, %155
	%179 = add <4 x i32> %178, %177
	%180 = add <4 x i32> %179, %33
	%181 = icmp slt <4 x i32> %180, %35
	%182 = icmp sgt <4 x i32> %180, %37
	%183 = select <4 x i1> %182, <4 x i32> %37, <4 x i32> %180
	%184 = select <4 x i1> %181, <4 x i32> %35, <4 x i32> %183
	%185 = trunc <4 x i32> %184 to <4 x i8>
	%186 = mul i64 %41, %ors
	%187 = add i64 %19, 0
	%188 = mul i64 %187, %ous
	%189 = add i64 %186, %188
	%190 = extractelement <4 x i8> %185, i32 0
	%191 = getelementptr i8, i8* %out, i64 %189
	store i8 %190, i8* %191
	%192 = mul i64 %41, %ors
	%193 = add i64 %19, 1
	%194 = mul i64 %193, %ous
	%195 = add i64 %192, %194
	%196 = extractelement <4 x i8> %185, i32 1
	%197 = getelementptr i8, i8* %out, i64 %195
	store i8 %196, i8* %197
	%198 = mul i64 %41, %ors
	%199 = add i64 %19, 2
	%200 = mul i64 %199, %ous
	%201 = add i64 %198, %200
	%202 = extractelement <4 x i8> %185, i32 2
	%203 = getelementptr i8, i8* %out, i64 %201
	store i8 %202, i8* %203
	%204 = mul i64 %41, %ors
	%205 = add i64 %19, 3
	%206 = mul i64 %205, %ous
	%207 = add i64 %204, %206
	%208 = extractelement <4 x i8> %185, i32 3
	%209 = getelementptr i8, i8* %out, i64 %207
	store i8 %208, i8* %209
	%210 = shufflevector <16 x i32> %57, <16 x i32> %57, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%211 = shufflevector <16 x i32> %57, <16 x i32> %57, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%212 = add <8 x i32> %210, %211
	%213 = shufflevector <8 x i32> %212, <8 x i32> %212, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%214 = shufflevector <8 x i32> %212, <8 x i32> %212, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%215 = add <4 x i32> %213, %214
	%216 = shufflevector <16 x i32> %58, <16 x i32> %58, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%217 = shufflevector <16 x i32> %58, <16 x i32> %58, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%218 = add <8 x i32> %216, %217
	%219 = shufflevector <8 x i32> %218, <8 x i32> %218, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%220 = shufflevector <8 x i32> %218, <8 x i32> %218, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%221 = add <4 x i32> %219, %220
	%222 = shufflevector <16 x i32> %59, <16 x i32> %59, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%223 = shufflevector <16 x i32> %59, <16 x i32> %59, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%224 = add <8 x i32> %222, %223
	%225 = shufflevector <8 x i32> %224, <8 x i32> %224, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%226 = shufflevector <8 x i32> %224, <8 x i32> %224, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%227 = add <4 x i32> %225, %226
	%228 = shufflevector <16 x i32> %60, <16 x i32> %60, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%229 = shufflevector <16 x i32> %60, <16 x i32> %60, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%230 = add <8 x i32> %228, %229
	%231 = shufflevector <8 x i32> %230, <8 x i32> %230, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%232 = shufflevector <8 x i32> %230, <8 x i32> %230, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%233 = add <4 x i32> %231, %232
	%234 = shufflevector <4 x i32> %215, <4 x i32> %221, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%235 = shufflevector <4 x i32> %215, <4 x i32> %221, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%236 = add <4 x i32> %234, %235
	%237 = shufflevector <4 x i32> %227, <4 x i32> %233, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%238 = shufflevector <4 x i32> %227, <4 x i32> %233, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%239 = add <4 x i32> %237, %238
	%240 = shufflevector <4 x i32> %236, <4 x i32> %239, <4 x i32> <i32 0, i32 1, i32 4, i32 5>
	%241 = shufflevector <4 x i32> %236, <4 x i32> %239, <4 x i32> <i32 2, i32 3, i32 6, i32 7>
	%242 = add <4 x i32> %240, %241
	%243 = add <4 x i32> %242, %22
	%244 = icmp sgt <4 x i32> %28, <i32 0, i32 0, i32 0, i32 0>
	%245 = select <4 x i1> %244, <4 x i32> %28, <4 x i32> <i32 0, i32 0, i32 0, i32 0>
	%246 = sub <4 x i32> <i32 0, i32 0, i32 0, i32 0>, %28
	%247 = select <4 x i1> %244, <4 x i32> <i32 0, i32 0, i32 0, i32 0>, <4 x i32> %246
	%248 = shl <4 x i32> %243, %245
	%249 = icmp eq <4 x i32> %248, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%250 = icmp eq <4 x i32> %25, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%251 = and <4 x i1> %249, %250
	%252 = sext <4 x i32> %248 to <4 x i64>
	%253 = sext <4 x i32> %25 to <4 x i64>
	%254 = mul <4 x i64> %252, %253
	%255 = icmp sge <4 x i64> %254, <i64 0, i64 0, i64 0, i64 0>
	%256 = select <4 x i1> %255, <4 x i64> <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>, <4 x i64> <i64 -1073741823, i64 -1073741823, i64 -1073741823, i64 -1073741823>
	%257 = add <4 x i64> %254, %256
	%258 = sdiv <4 x i64> %257, <i64 u0x80000000, i64 u0x80000000, i64 u0x80000000, i64 u0x80000000>
	%259 = trunc <4 x i64> %258 to <4 x i32>
	%260 = select <4 x i1> %251, <4 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <4 x i32> %259
	%261 = shl <4 x i32> <i32 1, i32 1, i32 1, i32 1>, %247
	%262 = sub <4 x i32> %261, <i32 1, i32 1, i32 1, i32 1>
	%263 = and <4 x i32> %260, %262
	%264 = ashr <4 x i32> %262, <i32 1, i32 1, i32 1, i32 1>
	%265 = icmp slt <4 x i32> %260, <i32 0, i32 0, i32 0, i32 0>
	%266 = zext <4 x i1> %265 to <4 x i32>
	%267 = add <4 x i32> %264, %266
	%268 = icmp sgt <4 x i32> %263, %267
	%269 = zext <4 x i1> %268 to <4 x i32>
	%270 = ashr <4 x i32> %260, %247
	%271 = add <4 x i32> %270, %269
	%272 = add <4 x i32> %271, %33
	%273 = icmp slt <4 x i32> %272, %35
	%274 = icmp sgt <4 x i32> %272, %37
	%275 = select <4 x i1> %274, <4 x i32> %37, <4 x i32> %272
	%276 = select <4 x i1> %273, <4 x i32> %35, <4 x i32> %275
	%277 = trunc <4 x i32> %276 to <4 x i8>
	%278 = mul i64 %42, %ors
	%279 = add i64 %19, 0
	%280 = mul i64 %279, %ous
	%281 = add i64 %278, %280
	%282 = extractelement <4 x i8> %277, i32 0
	%283 = getelementptr i8, i8* %out, i64 %281
	store i8 %282, i8* %283
	%284 = mul i64 %42, %ors
	%285 = add i64 %19, 1
	%286 = mul i64 %285, %ous
	%287 = add i64 %284, %286
	%288 = extractelement <4 x i8> %277, i32 1
	%289 = getelementptr i8, i8* %out, i64 %287
	store i8 %288, i8* %289
	%290 = mul i64 %42, %ors
	%291 = add i64 %19, 2
	%292 = mul i64 %291, %ous
	%293 = add i64 %290, %292
	%294 = extractelement <4 x i8> %277, i32 2
	%295 = getelementptr i8, i8* %out, i64 %293
	store i8 %294, i8* %295
	%296 = mul i64 %42, %ors
	%297 = add i64 %19, 3
	%298 = mul i64 %297, %ous
	%299 = add i64 %296, %298
	%300 = extractelement <4 x i8> %277, i32 3
	%301 = getelementptr i8, i8* %out, i64 %299
	store i8 %300, i8* %301
	%302 = add i64 %rows2.i, 1
	br label %rows2

row:
	%row.i = phi i64 [ 0, %rows2.end ], [ %447, %dot4.vec.end ]
	%303 = icmp slt i64 %row.i, %52
	br i1 %303, label %row.body, label %row.end

row.body:
	%304 = mul i64 %38, 2
	%305 = add i64 %304, %row.i
	%306 = mul i64 %305, %6
	%307 = getelementptr i16, i16* %9, i64 %306
	%308 = getelementptr i8, i8* %31, i64 0
	%309 = getelementptr i8, i8* %31, i64 16
	%310 = getelementptr i8, i8* %31, i64 32
	%311 = getelementptr i8, i8* %31, i64 48
	br label %dot4.vec

row.end:
	%312 = add i64 %block.i, 1
	br label %block

dot4.vec:
	%dot4.vec.i = phi i64 [ 0, %row.body ], [ %354, %dot4.vec.body ]
	%313 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %329, %dot4.vec.body ]
	%314 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %337, %dot4.vec.body ]
	%315 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %345, %dot4.vec.body ]
	%316 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %353, %dot4.vec.body ]
	%317 = icmp slt i64 %dot4.vec.i, %10
	br i1 %317, label %dot4.vec.body, label %dot4.vec.end

dot4.vec.body:
	%318 = mul i64 %dot4.vec.i, 16
	%319 = getelementptr i16, i16* %307, i64 %318
	%320 = bitcast i16* %319 to <16 x i16>*
	%321 = load <16 x i16>, <16 x i16>* %320, align 2
	%322 = mul i64 %318, 4
	%323 = getelementptr i8, i8* %308, i64 %322
	%324 = bitcast i8* %323 to <16 x i8>*
	%325 = load <16 x i8>, <16 x i8>* %324, align 1
	%326 = sext <16 x i16> %321 to <16 x i32>
	%327 = sext <16 x i8> %325 to <16 x i32>
	%328 = mul <16 x i32> %326, %327
	%329 = add <16 x i32> %313, %328
	%330 = mul i64 %318, 4
	%331 = getelementptr i8, i8* %309, i64 %330
	%332 = bitcast i8* %331 to <16 x i8>*
	%333 = load <16 x i8>, <16 x i8>* %332, align 1
	%334 = sext <16 x i16> %321 to <16 x i32>
	%335 = sext <16 x i8> %333 to <16 x i32>
	%336 = mul <16 x i32> %334, %335
	%337 = add <16 x i32> %314, %336
	%338 = mul i64 %318, 4
	%339 = getelementptr i8, i8* %310, i64 %338
	%340 = bitcast i8* %339 to <16 x i8>*
	%341 = load <16 x i8>, <16 x i8>* %340, align 1
	%342 = sext <16 x i16> %321 to <16 x i32>
	%343 = sext <16 x i8> %341 to <16 x i32>
	%344 = mul <16 x i32> %342, %343
	%345 = add <16 x i32> %315, %344
	%346 = mul i64 %318, 4
	%347 = getelementptr i8, i8* %311, i64 %346
	%348 = bitcast i8* %347 to <16 x i8>*
	%349 = load <16 x i8>, <16 x i8>* %348, align 1
	%350 = sext <16 x i16> %321 to <16 x i32>
	%351 = sext <16 x i8> %349 to <16 x i32>
	%352 = mul <16 x i32> %350, %351
	%353 = add <16 x i32> %316, %352
	%354 = add i64 %dot4.vec.i, 1
	br label %dot4.vec

dot4.vec.end:
	%355 = shufflevector <16 x i32> %313, <16 x i32> %313, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%356 = shufflevector <16 x i32> %313, <16 x i32> %313, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%357 = add <8 x i32> %355, %356
	%358 = shufflevector <8 x i32> %357, <8 x i32> %357, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%359 = shufflevector <8 x i32> %357, <8 x i32> %357, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%360 = add <4 x i32> %358, %359
	%361 = shufflevector <16 x i32> %314, <16 x i32> %314, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%362 = shufflevector <16 x i32> %314, <16 x i32> %314, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%363 = add <8 x i32> %361, %362
	%364 = shufflevector <8 x i32> %363, <8 x i32> %363, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%365 = shufflevector <8 x i32> %363, <8 x i32> %363, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%366 = add <4 x i32> %364, %365
	%367 = shufflevector <16 x i32> %315, <16 x i32> %315, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%368 = shufflevector <16 x i32> %315, <16 x i32> %315, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%369 = add <8 x i32> %367, %368
	%370 = shufflevector <8 x i32> %369, <8 x i32> %369, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%371 = shufflevector <8 x i32> %369, <8 x i32> %369, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%372 = add <4 x i32> %370, %371
	%373 = shufflevector <16 x i32> %316, <16 x i32> %316, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%374 = shufflevector <16 x i32> %316, <16 x i32> %316, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%375 = add <8 x i32> %373, %374
	%376 = shufflevector <8 x i32> %375, <8 x i32> %375, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%377 = shufflevector <8 x i32> %375, <8 x i32> %375, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%378 = add <4 x i32> %376, %377
	%379 = shufflevector <4 x i32> %360, <4 x i32> %366, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%380 = shufflevector <4 x i32> %360, <4 x i32> %366, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%381 = add <4 x i32> %379, %380
	%382 = shufflevector <4 x i32> %372, <4 x i32> %378, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%383 = shufflevector <4 x i32> %372, <4 x i32> %378, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%384 = add <4 x i32> %382, %383
	%385 = shufflevector <4 x i32> %381, <4 x i32> %384, <4 x i32> <i32 0, i32 1, i32 4, i32 5>
	%386 = shufflevector <4 x i32> %381, <4 x i32> %384, <4 x i32> <i32 2, i32 3, i32 6, i32 7>
	%387 = add <4 x i32> %385, %386
	%388 = add <4 x i32> %387, %22
	%389 = icmp sgt <4 x i32> %28, <i32 0, i32 0, i32 0, i32 0>
	%390 = select <4 x i1> %389, <4 x i32> %28, <4 x i32> <i32 0, i32 0, i32 0, i32 0>
	%391 = sub <4 x i32> <i32 0, i32 0, i32 0, i32 0>, %28
	%392 = select <4 x i1> %389, <4 x i32> <i32 0, i32 0, i32 0, i32 0>, <4 x i32> %391
	%393 = shl <4 x i32> %388, %390
	%394 = icmp eq <4 x i32> %393, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%395 = icmp eq <4 x i32> %25, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%396 = and <4 x i1> %394, %395
	%397 = sext <4 x i32> %393 to <4 x i64>
	%398 = sext <4 x i32> %25 to <4 x i64>
	%399 = mul <4 x i64> %397, %398
	%400 = icmp sge <4 x i64> %399, <i64 0, i64 0, i64 0, i64 0>
	%401 = select <4 x i1> %400, <4 x i64> <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>, <4 x i64> <i64 -1073741823, i64 -1073741823, i64 -1073741823, i64 -1073741823>
	%402 = add <4 x i64> %399, %401
	%403 = sdiv <4 x i64> %402, <i64 u0x80000000, i64 u0x80000000, i64 u0x80000000, i64 u0x80000000>
	%404 = trunc <4 x i64> %403 to <4 x i32>
	%405 = select <4 x i1> %396, <4 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <4 x i32> %404
	%406 = shl <4 x i32> <i32 1, i32 1, i32 1, i32 1>, %392
	%407 = sub <4 x i32> %406, <i32 1, i32 1, i32 1, i32 1>
	%408 = and <4 x i32> %405, %407
	%409 = ashr <4 x i32> %407, <i32 1, i32 1, i32 1, i32 1>
	%410 = icmp slt <4 x i32> %405, <i32 0, i32 0, i32 0, i32 0>
	%411 = zext <4 x i1> %410 to <4 x i32>
	%412 = add <4 x i32> %409, %411
	%413 = icmp sgt <4 x i32> %408, %412
	%414 = zext <4 x i1> %413 to <4 x i32>
	%415 = ashr <4 x i32> %405, %392
	%416 = add <4 x i32> %415, %414
	%417 = add <4 x i32> %416, %33
	%418 = icmp slt <4 x i32> %417, %35
	%419 = icmp sgt <4 x i32> %417, %37
	%420 = select <4 x i1> %419, <4 x i32> %37, <4 x i32> %417
	%421 = select <4 x i1> %418, <4 x i32> %35, <4 x i32> %420
	%422 = trunc <4 x i32> %421 to <4 x i8>
	%423 = mul i64 %305, %ors
	%424 = add i64 %19, 0
	%425 = mul i64 %424, %ous
	%426 = add i64 %423, %425
	%427 = extractelement <4 x i8> %422, i32 0
	%428 = getelementptr i8, i8* %out, i64 %426
	store i8 %427, i8* %428
	%429 = mul i64 %305, %ors
	%430 = add i64 %19, 1
	%431 = mul i64 %430, %ous
	%432 = add i64 %429, %431
	%433 = extractelement <4 x i8> %422, i32 1
	%434 = getelementptr i8, i8* %out, i64 %432
	store i8 %433, i8* %434
	%435 = mul i64 %305, %ors
	%436 = add i64 %19, 2
	%437 = mul i64 %436, %ous
	%438 = add i64 %435, %437
	%439 = extractelement <4 x i8> %422, i32 2
	%440 = getelementptr i8, i8* %out, i64 %438
	store i8 %439, i8* %440
	%441 = mul i64 %305, %ors
	%442 = add i64 %19, 3
	%443 = mul i64 %442, %ous
	%444 = add i64 %441, %443
	%445 = extractelement <4 x i8> %422, i32 3
	%446 = getelementptr i8, i8* %out, i64 %444
	store i8 %445, i8* %446
	%447 = add i64 %row.i, 1
	br label %row

unit:
	%unit.i = phi i64 [ 0, %block.end ], [ %455, %row1.end ]
	%448 = icmp slt i64 %unit.i, %39
	br i1 %448, label %unit.body, label %unit.end

unit.body:
	br label %row1

unit.end:
	ret void

row1:
	%row1.i = phi i64 [ 0, %unit.body ], [ %489, %dot.vec.end ]
	%449 = icmp slt i64 %row1.i, %rows
	br i1 %449, label %row1.body, label %row1.end

row1.body:
	%450 = mul i64 %unit.i, %6
	%451 = getelementptr i8, i8* %w, i64 %450
	%452 = mul i64 %row1.i, %6
	%453 = getelementptr i16, i16* %9, i64 %452
	%454 = getelementptr i8, i8* %451, i64 0
	br label %dot.vec

row1.end:
	%455 = add i64 %unit.i, 1
	br label %unit

dot.vec:
	%dot.vec.i = phi i64 [ 0, %row1.body ], [ %469, %dot.vec.body ]
	%456 = phi <16 x i32> [ zeroinitializer, %row1.body ], [ %468, %dot.vec.body ]
	%457 = icmp slt i64 %dot.vec.i, %10
	br i1 %457, label %dot.vec.body, label %dot.vec.end

dot.vec.body:
	%458 = mul i64 %dot.vec.i, 16
	%459 = getelementptr i16, i16* %453, i64 %458
	%460 = bitcast i16* %459 to <16 x i16>*
	%461 = load <16 x i16>, <16 x i16>* %460, align 2
	%462 = getelementptr i8, i8* %454, i64 %458
	%463 = bitcast i8* %462 to <16 x i8>*
	%464 = load <16 x i8>, <16 x i8>* %463, align 1
	%465 = sext <16 x i16> %461 to <16 x i32>
	%466 = sext <16 x i8> %464 to <16 x i32>
	%467 = mul <16 x i32> %465, %466
	%468 = add <16 x i32> %456, %467
	%469 = add i64 %dot.vec.i, 1
	br label %dot.vec

dot.vec.end:
	%470 = call i32 @llvm.vector.reduce.add.v16i32(<16 x i32> %456)
	%471 = getelementptr i32, i32* %bias, i64 %unit.i
	%472 = load i32, i32* %471
	%473 = add i32 %470, %472
	%474 = getelementptr i32, i32* %mult, i64 %unit.i
	%475 = load i32, i32* %474
	%476 = getelementptr i32, i32* %shift, i64 %unit.i
	%477 = load i32, i32* %476
	%478 = call i32 @kiln_requant(i32 %473, i32 %475, i32 %477)
	%479 = add i32 %478, %out_off
	%480 = mul i64 %row1.i, %ors
	%481 = mul i64 %unit.i, %ous
	%482 = add i64 %480, %481
	%483 = icmp sgt i32 %479, %lo
	%484 = select i1 %483, i32 %479, i32 %lo
	%485 = icmp slt i32 %484, %hi
	%486 = select i1 %485, i32 %484, i32 %hi
	%487 = trunc i32 %486 to i8
	%488 = getelementptr i8, i8* %out, i64 %482
	store i8 %487, i8* %488
	%489 = add i64 %row1.i, 1
	br label %row1
}

define internal void @kiln_quantize(float* %in, i8* %out, i64 %count, float %scale, i32 %zero) nounwind {
entry:
	br label %elems

elems:
	%elems.i = phi i64 [ 0, %entry ], [ %23, %elems.body ]
	%0 = icmp slt i64 %elems.i, %count
	br i1 %0, label %elems.body, label %elems.end

elems.body:
	%1 = getelementptr float, float* %in, i64 %elems.i
	%2 = load float, float* %1
	%3 = fdiv float %2, %scale
	%4 = fpext float %3 to double
	%5 = fcmp uno float %3, %3
	%6 = select i1 %5, double 0.0, double %4
	%7 = fcmp olt double %6, -2.147483648e+09
	%8 = select i1 %7, double -2.147483648e+09, double %6
	%9 = fcmp ogt double %8, 2.147483647e+09
	%10 = select i1 %9, double 2.147483647e+09, double %8
	%11 = fcmp olt double %10, 0.0
	%12 = select i1 %11, double -0.5, double 0.5
	%13 = fadd double %10, %12
	%14 = fptosi double %13 to i64
	%15 = sext i32 %zero to i64
	%16 = add i64 %14, %15
	%17 = icmp slt i64 %16, -128
	%18 = select i1 %17, i64 -128, i64 %16
	%19 = icmp sgt i64 %18, 127
	%20 = select i1 %19, i64 127, i64 %18
	%21 = trunc i64 %20 to i8
	%22 = getelementptr i8, i8* %out, i64 %elems.i
	store i8 %21, i8* %22
	%23 = add i64 %elems.i, 1
	br label %elems

elems.end:
	ret void
}

define internal void @kiln_dequantize(i8* %in, float* %out, i64 %count, float %scale, i32 %zero) nounwind {
entry:
	br label %elems

elems:
	%elems.i = phi i64 [ 0, %entry ], [ %10, %elems.body ]
	%0 = icmp slt i64 %elems.i, %count
	br i1 %0, label %elems.body, label %elems.end

elems.body:
	%1 = getelementptr i8, i8* %in, i64 %elems.i
	%2 = load i8, i8* %1
	%3 = sext i8 %2 to i32
	%4 = sub i32 %3, %zero
	%5 = sitofp i32 %4 to double
	%6 = fpext float %scale to double
	%7 = fmul double %6, %5
	%8 = fptrunc double %7 to float
	%9 = getelementptr float, float* %out, i64 %elems.i
	store float %8, float* %9
	%10 = add i64 %elems.i, 1
	br label %elems

elems.end:
	ret void
}

define i32 @kiln_tiny_run(i32 %n, i8* %x, i8* %y, i8* %arena) nounwind {
entry:
	%0 = icmp slt i32 %n, 1
	br i1 %0, label %bad_batch, label %run

run:
	%n64 = sext i32 %n to i64
	%1 = mul i64 %n64, 6
	; x.q = quantize  tiny.kiln:3:9
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %arena, i8* %x, i64 %1, i1 false), !kiln.src !0
	%2 = mul i64 %n64, 128
	%3 = getelementptr i8, i8* %arena, i64 %2
	; h.q = qdense  tiny.kiln:4:13
	call void @kiln_widen(i8* %arena, i8* %3, i64 %n64, i64 6, i64 16), !kiln.src !1
	%4 = mul i64 %n64, 64
	%5 = getelementptr i8, i8* %arena, i64 %4
	; h.q = qdense  tiny.kiln:4:13
	call void @kiln_qdense(i8* %3, i8* getelementptr ([128 x i8], [128 x i8]* @h.weight.q.packed, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.bias, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.mult, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.shift, i64 0, i64 0), i8* %5, i64 %n64, i64 6, i64 8, i64 8, i64 1, i32 -128, i32 -128, i32 127), !kiln.src !2
	%6 = mul i64 %n64, 64
	%7 = getelementptr i8, i8* %arena, i64 %6
	%8 = mul i64 %n64, 128
	%9 = getelementptr i8, i8* %arena, i64 %8
	; y.q = qdense  tiny.kiln:5:14
	call void @kiln_widen(i8* %7, i8* %9, i64 %n64, i64 8, i64 16), !kiln.src !3
	; y.q = qdense  tiny.kiln:5:14
	call void @kiln_qdense(i8* %9, i8* getelementptr ([64 x i8], [64 x i8]* @y.weight.q.packed, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.bias, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.mult, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.shift, i64 0, i64 0), i8* %arena, i64 %n64, i64 8, i64 4, i64 4, i64 1, i32 -46, i32 -128, i32 127), !kiln.src !4
	%10 = mul i64 %n64, 4
	; y = dequantize  tiny.kiln:5:14
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %y, i8* %arena, i64 %10, i1 false), !kiln.src !5
	ret i32 0

bad_batch:
	ret i32 -1
}

define i32 @kiln_tiny_run_f32(i32 %n, float* %x, float* %y, i8* %arena) nounwind {
entry:
	%0 = icmp slt i32 %n, 1
	br i1 %0, label %bad_batch, label %run

run:
	%n64 = sext i32 %n to i64
	%1 = mul i64 %n64, 6
	; x.q = quantize  tiny.kiln:3:9
	call void @kiln_quantize(float* %x, i8* %arena, i64 %1, float 0x3F97F7A660000000, i32 3), !kiln.src !6
	%2 = mul i64 %n64, 128
	%3 = getelementptr i8, i8* %arena, i64 %2
	; h.q = qdense  tiny.kiln:4:13
	call void @kiln_widen(i8* %arena, i8* %3, i64 %n64, i64 6, i64 16), !kiln.src !7
	%4 = mul i64 %n64, 64
	%5 = getelementptr i8, i8* %arena, i64 %4
	; h.q = qdense  tiny.kiln:4:13
	call void @kiln_qdense(i8* %3, i8* getelementptr ([128 x i8], [128 x i8]* @h.weight.q.packed, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.bias, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.mult, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.shift, i64 0, i64 0), i8* %5, i64 %n64, i64 6, i64 8, i64 8, i64 1, i32 -128, i32 -128, i32 127), !kiln.src !8
	%6 = mul i64 %n64, 64
	%7 = getelementptr i8, i8* %arena, i64 %6
	%8 = mul i64 %n64, 128
	%9 = getelementptr i8, i8* %arena, i64 %8
	; y.q = qdense  tiny.kiln:5:14
	call void @kiln_widen(i8* %7, i8* %9, i64 %n64, i64 8, i64 16), !kiln.src !9
	; y.q = qdense  tiny.kiln:5:14
	call void @kiln_qdense(i8* %9, i8* getelementptr ([64 x i8], [64 x i8]* @y.weight.q.packed, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.bias, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.mult, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.shift, i64 0, i64 0), i8* %arena, i64 %n64, i64 8, i64 4, i64 4, i64 1, i32 -46, i32 -128, i32 127), !kiln.src !10
	%10 = mul i64 %n64, 4
	; y = dequantize  tiny.kiln:5:14
	call void @kiln_dequantize(i8* %arena, float* %y, i64 %10, float 0x3F73951760000000, i32 -46), !kiln.src !11
	ret i32 0

bad_batch:
	ret i32 -1
}

define i64 @kiln_tiny_arena_size() nounwind {
entry:
	ret i64 256
}

!0 = !{!"x.q = quantize  tiny.kiln:3:9"}
!1 = !{!"h.q = qdense  tiny.kiln:4:13"}
!2 = !{!"h.q = qdense  tiny.kiln:4:13"}
!3 = !{!"y.q = qdense  tiny.kiln:5:14"}
!4 = !{!"y.q = qdense  tiny.kiln:5:14"}
!5 = !{!"y = dequantize  tiny.kiln:5:14"}
!6 = !{!"x.q = quantize  tiny.kiln:3:9"}
!7 = !{!"h.q = qdense  tiny.kiln:4:13"}
!8 = !{!"h.q = qdense  tiny.kiln:4:13"}
!9 = !{!"y.q = qdense  tiny.kiln:5:14"}
!10 = !{!"y.q = qdense  tiny.kiln:5:14"}
!11 = !{!"y = dequantize  tiny.kiln:5:14"}
