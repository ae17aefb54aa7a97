; kiln model tiny, compiled from its int8 graph.
; Entry points: kiln_tiny_run (int8 in and out), kiln_tiny_run_f32 (float in and out), kiln_tiny_arena_size.
; Dot products: the generic form.
; Arena: 256 bytes per example.

; h.weight.q = param  tiny.kiln:4:13 as rows of 16, zero past its 6 inputs
@h.weight.q.packed = private unnamed_addr constant [128 x i8] c"\CC\BD\EC\81L\BB\00\00\00\00\00\00\00\00\00\00\7F\96W\DCL\12\00\00\00\00\00\00\00\00\00\00\81\C5\CC\A9[\D1\00\00\00\00\00\00\00\00\00\00\AF\1E\8F\AF\7F\E4\00\00\00\00\00\00\00\00\00\00\EE\F7A4\F0\7F\00\00\00\00\00\00\00\00\00\00\8E\F9\7F]C\17\00\00\00\00\00\00\00\00\00\00\CB\84\CC\F0\BC\7F\00\00\00\00\00\00\00\00\00\00f\E0\CE\81 \93\00\00\00\00\00\00\00\00\00\00", align 64
; bias of h.q, plus its input offset -3 times the weights' row sums
@h.q.bias = private unnamed_addr constant [8 x i32] [i32 4823, i32 1326, i32 -2502, i32 3653, i32 -1013, i32 -4674, i32 -5028, i32 -3359], align 64
; per-unit multipliers of h.q
@h.q.mult = private unnamed_addr constant [8 x i32] [i32 1332712454, i32 1447568384, i32 1392929769, i32 1223045875, i32 1395462633, i32 1467298014, i32 1535183406, i32 1428068386], align 64
; per-unit shifts of h.q
@h.q.shift = private unnamed_addr constant [8 x i32] [i32 -6, i32 -6, i32 -6, i32 -6, i32 -6, i32 -6, i32 -7, i32 -6], align 64
; y.weight.q = param  tiny.kiln:5:14 as rows of 16, zero past its 8 inputs
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
	%block.i = phi i64 [ 0, %entry ], [ %321, %row.end ]
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
	%29 = insertelement <4 x i32> undef, i32 %out_off, i32 0
	%30 = shufflevector <4 x i32> %29, <4 x i32> undef, <4 x i32> zeroinitializer
	%31 = insertelement <4 x i32> undef, i32 %lo, i32 0
	%32 = shufflevector <4 x i32> %31, <4 x i32> undef, <4 x i32> zeroinitializer
	%33 = insertelement <4 x i32> undef, i32 %hi, i32 0
	%34 = shufflevector <4 x i32> %33, <4 x i32> undef, <4 x i32> zeroinitializer
	%35 = sdiv i64 %rows, 2
	br label %rows2

block.end:
	%36 = select i1 %11, i64 0, i64 %units
	br label %unit

rows2:
	%rows2.i = phi i64 [ 0, %block.body ], [ %303, %dot8.vec.end ]
	%37 = icmp slt i64 %rows2.i, %35
	br i1 %37, label %rows2.body, label %rows2.end

rows2.body:
	%38 = mul i64 %rows2.i, 2
	%39 = add i64 %38, 1
	%40 = mul i64 %38, %6
	%41 = getelementptr i16, i16* %9, i64 %40
	%42 = mul i64 %39, %6
	%43 = getelementptr i16, i16* %9, i64 %42
	%44 = add i64 %19, 0
	%45 = mul i64 %44, %6
	%46 = getelementptr i8, i8* %w, i64 %45
	%47 = add i64 %19, 1
	%48 = mul i64 %47, %6
	%49 = getelementptr i8, i8* %w, i64 %48
	%50 = add i64 %19, 2
	%51 = mul i64 %50, %6
	%52 = getelementptr i8, i8* %w, i64 %51
	%53 = add i64 %19, 3
	%54 = mul i64 %53, %6
	%55 = getelementptr i8, i8* %w, i64 %54
	br label %dot8.vec

rows2.end:
	%56 = mul i64 %35, 2
	%57 = sub i64 %rows, %56
	br label %row

dot8.vec:
	%dot8.vec.i = phi i64 [ 0, %rows2.body ], [ %118, %dot8.vec.body ]
	%58 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %80, %dot8.vec.body ]
	%59 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %91, %dot8.vec.body ]
	%60 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %102, %dot8.vec.body ]
	%61 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %113, %dot8.vec.body ]
	%62 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %84, %dot8.vec.body ]
	%63 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %95, %dot8.vec.body ]
	%64 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %106, %dot8.vec.body ]
	%65 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %117, %dot8.vec.body ]
	%66 = icmp slt i64 %dot8.vec.i, %10
	br i1 %66, label %dot8.vec.body, label %dot8.vec.end

dot8.vec.body:
	%67 = mul i64 %dot8.vec.i, 16
	%68 = getelementptr i16, i16* %41, i64 %67
	%69 = bitcast i16* %68 to <16 x i16>*
	%70 = load <16 x i16>, <16 x i16>* %69, align 2
	%71 = getelementptr i16, i16* %43, i64 %67
	%72 = bitcast i16* %71 to <16 x i16>*
	%73 = load <16 x i16>, <16 x i16>* %72, align 2
	%74 = getelementptr i8, i8* %46, i64 %67
	%75 = bitcast i8* %74 to <16 x i8>*
	%76 = load <16 x i8>, <16 x i8>* %75, align 1
	%77 = sext <16 x i8> %76 to <16 x i16>
	%78 = mul <16 x i16> %70, %77
	%79 = sext <16 x i16> %78 to <16 x i32>
	%80 = add <16 x i32> %58, %79
	%81 = sext <16 x i8> %76 to <16 x i16>
	%82 = mul <16 x i16> %73, %81
	%83 = sext <16 x i16> %82 to <16 x i32>
	%84 = add <16 x i32> %62, %83
	%85 = getelementptr i8, i8* %49, i64 %67
	%86 = bitcast i8* %85 to <16 x i8>*
	%87 = load <16 x i8>, <16 x i8>* %86, align 1
	%88 = sext <16 x i8> %87 to <16 x i16>
	%89 = mul <16 x i16> %70, %88
	%90 = sext <16 x i16> %89 to <16 x i32>
	%91 = add <16 x i32> %59, %90
	%92 = sext <16 x i8> %87 to <16 x i16>
	%93 = mul <16 x i16> %73, %92
	%94 = sext <16 x i16> %93 to <16 x i32>
	%95 = add <16 x i32> %63, %94
	%96 = getelementptr i8, i8* %52, i64 %67
	%97 = bitcast i8* %96 to <16 x i8>*
	%98 = load <16 x i8>, <16 x i8>* %97, align 1
	%99 = sext <16 x i8> %98 to <16 x i16>
	%100 = mul <16 x i16> %70, %99
	%101 = sext <16 x i16> %100 to <16 x i32>
	%102 = add <16 x i32> %60, %101
	%103 = sext <16 x i8> %98 to <16 x i16>
	%104 = mul <16 x i16> %73, %103
	%105 = sext <16 x i16> %104 to <16 x i32>
	%106 = add <16 x i32> %64, %105
	%107 = getelementptr i8, i8* %55, i64 %67
	%108 = bitcast i8* %107 to <16 x i8>*
	%109 = load <16 x i8>, <16 x i8>* %108, align 1
	%110 = sext <16 x i8> %109 to <16 x i16>
	%111 = mul <16 x i16> %70, %110
	%112 = sext <16 x i16> %111 to <16 x i32>
	%113 = add <16 x i32> %61, %112
	%114 = sext <16 x i8> %109 to <16 x i16>
	%115 = mul <16 x i16> %73, %114
	%116 = sext <16 x i16> %115 to <16 x i32>
	%117 = add <16 x i32> %65, %116
	%118 = add i64 %dot8.vec.i, 1
	br label %dot8.vec

dot8.vec.end:
	%119 = shufflevector <16 x i32> %58, <16 x i32> %58, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%120 = shufflevector <16 x i32> %58, <16 x i32> %58, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%121 = add <8 x i32> %119, %120
	%122 = shufflevector <8 x i32> %121, <8 x i32> %121, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%123 = shufflevector <8 x i32> %121, <8 x i32> %121, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%124 = add <4 x i32> %122, %123
	%125 = shufflevector <16 x i32> %59, <16 x i32> %59, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%126 = shufflevector <16 x i32> %59, <16 x i32> %59, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%127 = add <8 x i32> %125, %126
	%128 = shufflevector <8 x i32> %127, <8 x i32> %127, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%129 = shufflevector <8 x i32> %127, <8 x i32> %127, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%130 = add <4 x i32> %128, %129
	%131 = shufflevector <16 x i32> %60, <16 x i32> %60, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%132 = shufflevector <16 x i32> %60, <16 x i32> %60, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%133 = add <8 x i32> %131, %132
	%134 = shufflevector <8 x i32> %133, <8 x i32> %133, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%135 = shufflevector <8 x i32> %133, <8 x i32> %133, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%136 = add <4 x i32> %134, %135
	%137 = shufflevector <16 x i32> %61, <16 x i32> %61, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%138 = shufflevector <16 x i32> %61, <16 x i32> %61, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%139 = add <8 x i32> %137, %138
	%140 = shufflevector <8 x i32> %139, <8 x i32> %139, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%141 = shufflevector <8 x i32> %139, <8 x i32> %139, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%142 = add <4 x i32> %140, %141
	%143 = shufflevector <4 x i32> %124, <4 x i32> %130, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%144 = shufflevector <4 x i32> %124, <4 x i32> %130, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%145 = add <4 x i32> %143, %144
	%146 = shufflevector <4 x i32> %136, <4 x i32> %142, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%147 = shufflevector <4 x i32> %136, <4 x i32> %142, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%148 = add <4 x i32> %146, %147
	%149 = shufflevector <4 x i32> %145, <4 x i32> %148, <4 x i32> <i32 0, i32 1, i32 4, i32 5>
	%150 = shufflevector <4 x i32> %145, <4 x i32> %148, <4 x i32> <i32 2, i32 3, i32 6, i32 7>
	%151 = add <4 x i32> %149, %150
	%152 = add <4 x i32> %151, %22
	%153 = icmp sgt <4 x i32> %28, <i32 0, i32 0, i32 0, i32 0>
	%154 = select <4 x i1> %153, <4 x i32> %28, <4 x i32> <i32 0, i32 0, i32 0, i32 0>
	%155 = sub <4 x i32> <i32 0, i32 0, i32 0, i32 0>, %28
	%156 = select <4 x i1> %153, <4 x i32> <i32 0, i32 0, i32 0, i32 0>, <4 x i32> %155
	%157 = shl <4 x i32> %152, %154
	%158 = icmp eq <4 x i32> %157, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%159 = icmp eq <4 x i32> %25, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%160 = and <4 x i1> %158, %159
	%161 = sext <4 x i32> %157 to <4 x i64>
	%162 = sext <4 x i32> %25 to <4 x i64>
	%163 = mul <4 x i64> %161, %162
	%164 = icmp sge <4 x i64> %163, <i64 0, i64 0, i64 0, i64 0>
	%165 = select <4 x i1> %164, <4 x i64> <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>, <4 x i64> <i64 -1073741823, i64 -1073741823, i64 -1073741823, i64 -1073741823>
	%166 = add <4 x i64> %163, %165
	%167 = sdiv <4 x i64> %166, <i64 u0x80000000, i64 u0x80000000, i64 u0x80000000, i64 u0x80000000>
	%168 = trunc <4 x i64> %167 to <4 x i32>
	%169 = select <4 x i1> %160, <4 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <4 x i32> %168
	%170 = shl <4 x i32> <i32 1, i32 1, i32 1, i32 1>, %156
	%171 = sub <4 x i32> %170, <i32 1, i32 1, i32 1, i32 1>
	%172 = and <4 x i32> %169, %171
	%173 = ashr <4 x i32> %171, <i32 1, i32 1, i32 1, i32 1>
	%174 = icmp slt <4 x i32> %169, <i32 0, i32 0, i32 0, i32 0>
	%175 = zext <4 x i1> %174 to <4 x i32>
	%176 = add <4 x i32> %173, %175
	%177 = icmp sgt <4 x i32> %172, %176
	%178 = zext <4 x i1> %177 to <4 x i32>
	%179 = ashr <4 x i32> %169, %156
	%180 = add <4 x i32> %179, %178
	%181 = add <4 x i32> %180, %30
	%182 = icmp slt <4 x i32> %181, %32
	%183 = icmp sgt <4 x i32> %181, %34
	%184 = select <4 x i1> %183, <4 x i32> %34, <4 x i32> %181
	%185 = select <4 x i1> %182, <4 x i32> %32, <4 x i32> %184
	%186 = trunc <4 x i32> %185 to <4 x i8>
	%187 = mul i64 %38, %ors
	%188 = add i64 %19, 0
	%189 = mul i64 %188, %ous
	%190 = add i64 %187, %189
	%191 = extractelement <4 x i8> %186, i32 0
	%192 = getelementptr i8, i8* %out, i64 %190
	store i8 %191, i8* %192
	%193 = mul i64 %38, %ors
	%194 = add i64 %19, 1
	%195 = mul i64 %194, %ous
	%196 = add i64 %193, %195
	%197 = extractelement <4 x i8> %186, i32 1
	%198 = getelementptr i8, i8* %out, i64 %196
	store i8 %197, i8* %198
	%199 = mul i64 %38, %ors
	%200 = add i64 %19, 2
	%201 = mul i64 %200, %ous
	%202 = add i64 %199, %201
	%203 = extractelement <4 x i8> %186, i32 2
	%204 = getelementptr i8, i8* %out, i64 %202
	store i8 %203, i8* %204
	%205 = mul i64 %38, %ors
	%206 = add i64 %19, 3
	%207 = mul i64 %206, %ous
	%208 = add i64 %205, %207
	%209 = extractelement <4 x i8> %186, i32 3
	%210 = getelementptr i8, i8* %out, i64 %208
	store i8 %209, i8* %210
	%211 = shufflevector <16 x i32> %62, <16 x i32> %62, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%212 = shufflevector <16 x i32> %62, <16 x i32> %62, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%213 = add <8 x i32> %211, %212
	%214 = shufflevector <8 x i32> %213, <8 x i32> %213, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%215 = shufflevector <8 x i32> %213, <8 x i32> %213, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%216 = add <4 x i32> %214, %215
	%217 = shufflevector <16 x i32> %63, <16 x i32> %63, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%218 = shufflevector <16 x i32> %63, <16 x i32> %63, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%219 = add <8 x i32> %217, %218
	%220 = shufflevector <8 x i32> %219, <8 x i32> %219, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%221 = shufflevector <8 x i32> %219, <8 x i32> %219, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%222 = add <4 x i32> %220, %221
	%223 = shufflevector <16 x i32> %64, <16 x i32> %64, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%224 = shufflevector <16 x i32> %64, <16 x i32> %64, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%225 = add <8 x i32> %223, %224
	%226 = shufflevector <8 x i32> %225, <8 x i32> %225, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%227 = shufflevector <8 x i32> %225, <8 x i32> %225, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%228 = add <4 x i32> %226, %227
	%229 = shufflevector <16 x i32> %65, <16 x i32> %65, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%230 = shufflevector <16 x i32> %65, <16 x i32> %65, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%231 = add <8 x i32> %229, %230
	%232 = shufflevector <8 x i32> %231, <8 x i32> %231, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%233 = shufflevector <8 x i32> %231, <8 x i32> %231, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%234 = add <4 x i32> %232, %233
	%235 = shufflevector <4 x i32> %216, <4 x i32> %222, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%236 = shufflevector <4 x i32> %216, <4 x i32> %222, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%237 = add <4 x i32> %235, %236
	%238 = shufflevector <4 x i32> %228, <4 x i32> %234, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%239 = shufflevector <4 x i32> %228, <4 x i32> %234, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%240 = add <4 x i32> %238, %239
	%241 = shufflevector <4 x i32> %237, <4 x i32> %240, <4 x i32> <i32 0, i32 1, i32 4, i32 5>
	%242 = shufflevector <4 x i32> %237, <4 x i32> %240, <4 x i32> <i32 2, i32 3, i32 6, i32 7>
	%243 = add <4 x i32> %241, %242
	%244 = add <4 x i32> %243, %22
	%245 = icmp sgt <4 x i32> %28, <i32 0, i32 0, i32 0, i32 0>
	%246 = select <4 x i1> %245, <4 x i32> %28, <4 x i32> <i32 0, i32 0, i32 0, i32 0>
	%247 = sub <4 x i32> <i32 0, i32 0, i32 0, i32 0>, %28
	%248 = select <4 x i1> %245, <4 x i32> <i32 0, i32 0, i32 0, i32 0>, <4 x i32> %247
	%249 = shl <4 x i32> %244, %246
	%250 = icmp eq <4 x i32> %249, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%251 = icmp eq <4 x i32> %25, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%252 = and <4 x i1> %250, %251
	%253 = sext <4 x i32> %249 to <4 x i64>
	%254 = sext <4 x i32> %25 to <4 x i64>
	%255 = mul <4 x i64> %253, %254
	%256 = icmp sge <4 x i64> %255, <i64 0, i64 0, i64 0, i64 0>
	%257 = select <4 x i1> %256, <4 x i64> <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>, <4 x i64> <i64 -1073741823, i64 -1073741823, i64 -1073741823, i64 -1073741823>
	%258 = add <4 x i64> %255, %257
	%259 = sdiv <4 x i64> %258, <i64 u0x80000000, i64 u0x80000000, i64 u0x80000000, i64 u0x80000000>
	%260 = trunc <4 x i64> %259 to <4 x i32>
	%261 = select <4 x i1> %252, <4 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <4 x i32> %260
	%262 = shl <4 x i32> <i32 1, i32 1, i32 1, i32 1>, %248
	%263 = sub <4 x i32> %262, <i32 1, i32 1, i32 1, i32 1>
	%264 = and <4 x i32> %261, %263
	%265 = ashr <4 x i32> %263, <i32 1, i32 1, i32 1, i32 1>
	%266 = icmp slt <4 x i32> %261, <i32 0, i32 0, i32 0, i32 0>
	%267 = zext <4 x i1> %266 to <4 x i32>
	%268 = add <4 x i32> %265, %267
	%269 = icmp sgt <4 x i32> %264, %268
	%270 = zext <4 x i1> %269 to <4 x i32>
	%271 = ashr <4 x i32> %261, %248
	%272 = add <4 x i32> %271, %270
	%273 = add <4 x i32> %272, %30
	%274 = icmp slt <4 x i32> %273, %32
	%275 = icmp sgt <4 x i32> %273, %34
	%276 = select <4 x i1> %275, <4 x i32> %34, <4 x i32> %273
	%277 = select <4 x i1> %274, <4 x i32> %32, <4 x i32> %276
	%278 = trunc <4 x i32> %277 to <4 x i8>
	%279 = mul i64 %39, %ors
	%280 = add i64 %19, 0
	%281 = mul i64 %280, %ous
	%282 = add i64 %279, %281
	%283 = extractelement <4 x i8> %278, i32 0
	%284 = getelementptr i8, i8* %out, i64 %282
	store i8 %283, i8* %284
	%285 = mul i64 %39, %ors
	%286 = add i64 %19, 1
	%287 = mul i64 %286, %ous
	%288 = add i64 %285, %287
	%289 = extractelement <4 x i8> %278, i32 1
	%290 = getelementptr i8, i8* %out, i64 %288
	store i8 %289, i8* %290
	%291 = mul i64 %39, %ors
	%292 = add i64 %19, 2
	%293 = mul i64 %292, %ous
	%294 = add i64 %291, %293
	%295 = extractelement <4 x i8> %278, i32 2
	%296 = getelementptr i8, i8* %out, i64 %294
	store i8 %295, i8* %296
	%297 = mul i64 %39, %ors
	%298 = add i64 %19, 3
	%299 = mul i64 %298, %ous
	%300 = add i64 %297, %299
	%301 = extractelement <4 x i8> %278, i32 3
	%302 = getelementptr i8, i8* %out, i64 %300
	store i8 %301, i8* %302
	%303 = add i64 %rows2.i, 1
	br label %rows2

row:
	%row.i = phi i64 [ 0, %rows2.end ], [ %452, %dot4.vec.end ]
	%304 = icmp slt i64 %row.i, %57
	br i1 %304, label %row.body, label %row.end

row.body:
	%305 = mul i64 %35, 2
	%306 = add i64 %305, %row.i
	%307 = mul i64 %306, %6
	%308 = getelementptr i16, i16* %9, i64 %307
	%309 = add i64 %19, 0
	%310 = mul i64 %309, %6
	%311 = getelementptr i8, i8* %w, i64 %310
	%312 = add i64 %19, 1
	%313 = mul i64 %312, %6
	%314 = getelementptr i8, i8* %w, i64 %313
	%315 = add i64 %19, 2
	%316 = mul i64 %315, %6
	%317 = getelementptr i8, i8* %w, i64 %316
	%318 = add i64 %19, 3
	%319 = mul i64 %318, %6
	%320 = getelementptr i8, i8* %w, i64 %319
	br label %dot4.vec

row.end:
	%321 = add i64 %block.i, 1
	br label %block

dot4.vec:
	%dot4.vec.i = phi i64 [ 0, %row.body ], [ %359, %dot4.vec.body ]
	%322 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %337, %dot4.vec.body ]
	%323 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %344, %dot4.vec.body ]
	%324 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %351, %dot4.vec.body ]
	%325 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %358, %dot4.vec.body ]
	%326 = icmp slt i64 %dot4.vec.i, %10
	br i1 %326, label %dot4.vec.body, label %dot4.vec.end

dot4.vec.body:
	%327 = mul i64 %dot4.vec.i, 16
	%328 = getelementptr i16, i16* %308, i64 %327
	%329 = bitcast i16* %328 to <16 x i16>*
	%330 = load <16 x i16>, <16 x i16>* %329, align 2
	%331 = getelementptr i8, i8* %311, i64 %327
	%332 = bitcast i8* %331 to <16 x i8>*
	%333 = load <16 x i8>, <16 x i8>* %332, align 1
	%334 = sext <16 x i8> %333 to <16 x i16>
	%335 = mul <16 x i16> %330, %334
	%336 = sext <16 x i16> %335 to <16 x i32>
	%337 = add <16 x i32> %322, %336
	%338 = getelementptr i8, i8* %314, i64 %327
	%339 = bitcast i8* %338 to <16 x i8>*
	%340 = load <16 x i8>, <16 x i8>* %339, align 1
	%341 = sext <16 x i8> %340 to <16 x i16>
	%342 = mul <16 x i16> %330, %341
	%343 = sext <16 x i16> %342 to <16 x i32>
	%344 = add <16 x i32> %323, %343
	%345 = getelementptr i8, i8* %317, i64 %327
	%346 = bitcast i8* %345 to <16 x i8>*
	%347 = load <16 x i8>, <16 x i8>* %346, align 1
	%348 = sext <16 x i8> %347 to <16 x i16>
	%349 = mul <16 x i16> %330, %348
	%350 = sext <16 x i16> %349 to <16 x i32>
	%351 = add <16 x i32> %324, %350
	%352 = getelementptr i8, i8* %320, i64 %327
	%353 = bitcast i8* %352 to <16 x i8>*
	%354 = load <16 x i8>, <16 x i8>* %353, align 1
	%355 = sext <16 x i8> %354 to <16 x i16>
	%356 = mul <16 x i16> %330, %355
	%357 = sext <16 x i16> %356 to <16 x i32>
	%358 = add <16 x i32> %325, %357
	%359 = add i64 %dot4.vec.i, 1
	br label %dot4.vec

dot4.vec.end:
	%360 = shufflevector <16 x i32> %322, <16 x i32> %322, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%361 = shufflevector <16 x i32> %322, <16 x i32> %322, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%362 = add <8 x i32> %360, %361
	%363 = shufflevector <8 x i32> %362, <8 x i32> %362, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%364 = shufflevector <8 x i32> %362, <8 x i32> %362, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%365 = add <4 x i32> %363, %364
	%366 = shufflevector <16 x i32> %323, <16 x i32> %323, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%367 = shufflevector <16 x i32> %323, <16 x i32> %323, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%368 = add <8 x i32> %366, %367
	%369 = shufflevector <8 x i32> %368, <8 x i32> %368, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%370 = shufflevector <8 x i32> %368, <8 x i32> %368, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%371 = add <4 x i32> %369, %370
	%372 = shufflevector <16 x i32> %324, <16 x i32> %324, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%373 = shufflevector <16 x i32> %324, <16 x i32> %324, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%374 = add <8 x i32> %372, %373
	%375 = shufflevector <8 x i32> %374, <8 x i32> %374, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%376 = shufflevector <8 x i32> %374, <8 x i32> %374, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%377 = add <4 x i32> %375, %376
	%378 = shufflevector <16 x i32> %325, <16 x i32> %325, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%379 = shufflevector <16 x i32> %325, <16 x i32> %325, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%380 = add <8 x i32> %378, %379
	%381 = shufflevector <8 x i32> %380, <8 x i32> %380, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%382 = shufflevector <8 x i32> %380, <8 x i32> %380, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%383 = add <4 x i32> %381, %382
	%384 = shufflevector <4 x i32> %365, <4 x i32> %371, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%385 = shufflevector <4 x i32> %365, <4 x i32> %371, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%386 = add <4 x i32> %384, %385
	%387 = shufflevector <4 x i32> %377, <4 x i32> %383, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%388 = shufflevector <4 x i32> %377, <4 x i32> %383, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%389 = add <4 x i32> %387, %388
	%390 = shufflevector <4 x i32> %386, <4 x i32> %389, <4 x i32> <i32 0, i32 1, i32 4, i32 5>
	%391 = shufflevector <4 x i32> %386, <4 x i32> %389, <4 x i32> <i32 2, i32 3, i32 6, i32 7>
	%392 = add <4 x i32> %390, %391
	%393 = add <4 x i32> %392, %22
	%394 = icmp sgt <4 x i32> %28, <i32 0, i32 0, i32 0, i32 0>
	%395 = select <4 x i1> %394, <4 x i32> %28, <4 x i32> <i32 0, i32 0, i32 0, i32 0>
	%396 = sub <4 x i32> <i32 0, i32 0, i32 0, i32 0>, %28
	%397 = select <4 x i1> %394, <4 x i32> <i32 0, i32 0, i32 0, i32 0>, <4 x i32> %396
	%398 = shl <4 x i32> %393, %395
	%399 = icmp eq <4 x i32> %398, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%400 = icmp eq <4 x i32> %25, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%401 = and <4 x i1> %399, %400
	%402 = sext <4 x i32> %398 to <4 x i64>
	%403 = sext <4 x i32> %25 to <4 x i64>
	%404 = mul <4 x i64> %402, %403
	%405 = icmp sge <4 x i64> %404, <i64 0, i64 0, i64 0, i64 0>
	%406 = select <4 x i1> %405, <4 x i64> <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>, <4 x i64> <i64 -1073741823, i64 -1073741823, i64 -1073741823, i64 -1073741823>
	%407 = add <4 x i64> %404, %406
	%408 = sdiv <4 x i64> %407, <i64 u0x80000000, i64 u0x80000000, i64 u0x80000000, i64 u0x80000000>
	%409 = trunc <4 x i64> %408 to <4 x i32>
	%410 = select <4 x i1> %401, <4 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <4 x i32> %409
	%411 = shl <4 x i32> <i32 1, i32 1, i32 1, i32 1>, %397
	%412 = sub <4 x i32> %411, <i32 1, i32 1, i32 1, i32 1>
	%413 = and <4 x i32> %410, %412
	%414 = ashr <4 x i32> %412, <i32 1, i32 1, i32 1, i32 1>
	%415 = icmp slt <4 x i32> %410, <i32 0, i32 0, i32 0, i32 0>
	%416 = zext <4 x i1> %415 to <4 x i32>
	%417 = add <4 x i32> %414, %416
	%418 = icmp sgt <4 x i32> %413, %417
	%419 = zext <4 x i1> %418 to <4 x i32>
	%420 = ashr <4 x i32> %410, %397
	%421 = add <4 x i32> %420, %419
	%422 = add <4 x i32> %421, %30
	%423 = icmp slt <4 x i32> %422, %32
	%424 = icmp sgt <4 x i32> %422, %34
	%425 = select <4 x i1> %424, <4 x i32> %34, <4 x i32> %422
	%426 = select <4 x i1> %423, <4 x i32> %32, <4 x i32> %425
	%427 = trunc <4 x i32> %426 to <4 x i8>
	%428 = mul i64 %306, %ors
	%429 = add i64 %19, 0
	%430 = mul i64 %429, %ous
	%431 = add i64 %428, %430
	%432 = extractelement <4 x i8> %427, i32 0
	%433 = getelementptr i8, i8* %out, i64 %431
	store i8 %432, i8* %433
	%434 = mul i64 %306, %ors
	%435 = add i64 %19, 1
	%436 = mul i64 %435, %ous
	%437 = add i64 %434, %436
	%438 = extractelement <4 x i8> %427, i32 1
	%439 = getelementptr i8, i8* %out, i64 %437
	store i8 %438, i8* %439
	%440 = mul i64 %306, %ors
	%441 = add i64 %19, 2
	%442 = mul i64 %441, %ous
	%443 = add i64 %440, %442
	%444 = extractelement <4 x i8> %427, i32 2
	%445 = getelementptr i8, i8* %out, i64 %443
	store i8 %444, i8* %445
	%446 = mul i64 %306, %ors
	%447 = add i64 %19, 3
	%448 = mul i64 %447, %ous
	%449 = add i64 %446, %448
	%450 = extractelement <4 x i8> %427, i32 3
	%451 = getelementptr i8, i8* %out, i64 %449
	store i8 %450, i8* %451
	%452 = add i64 %row.i, 1
	br label %row

unit:
	%unit.i = phi i64 [ 0, %block.end ], [ %460, %row1.end ]
	%453 = icmp slt i64 %unit.i, %36
	br i1 %453, label %unit.body, label %unit.end

unit.body:
	br label %row1

unit.end:
	ret void

row1:
	%row1.i = phi i64 [ 0, %unit.body ], [ %494, %dot.vec.end ]
	%454 = icmp slt i64 %row1.i, %rows
	br i1 %454, label %row1.body, label %row1.end

row1.body:
	%455 = mul i64 %row1.i, %6
	%456 = getelementptr i16, i16* %9, i64 %455
	%457 = add i64 %unit.i, 0
	%458 = mul i64 %457, %6
	%459 = getelementptr i8, i8* %w, i64 %458
	br label %dot.vec

row1.end:
	%460 = add i64 %unit.i, 1
	br label %unit

dot.vec:
	%dot.vec.i = phi i64 [ 0, %row1.body ], [ %474, %dot.vec.body ]
	%461 = phi <16 x i32> [ zeroinitializer, %row1.body ], [ %473, %dot.vec.body ]
	%462 = icmp slt i64 %dot.vec.i, %10
	br i1 %462, label %dot.vec.body, label %dot.vec.end

dot.vec.body:
	%463 = mul i64 %dot.vec.i, 16
	%464 = getelementptr i16, i16* %456, i64 %463
	%465 = bitcast i16* %464 to <16 x i16>*
	%466 = load <16 x i16>, <16 x i16>* %465, align 2
	%467 = getelementptr i8, i8* %459, i64 %463
	%468 = bitcast i8* %467 to <16 x i8>*
	%469 = load <16 x i8>, <16 x i8>* %468, align 1
	%470 = sext <16 x i8> %469 to <16 x i16>
	%471 = mul <16 x i16> %466, %470
	%472 = sext <16 x i16> %471 to <16 x i32>
	%473 = add <16 x i32> %461, %472
	%474 = add i64 %dot.vec.i, 1
	br label %dot.vec

dot.vec.end:
	%475 = call i32 @llvm.vector.reduce.add.v16i32(<16 x i32> %461)
	%476 = getelementptr i32, i32* %bias, i64 %unit.i
	%477 = load i32, i32* %476
	%478 = add i32 %475, %477
	%479 = getelementptr i32, i32* %mult, i64 %unit.i
	%480 = load i32, i32* %479
	%481 = getelementptr i32, i32* %shift, i64 %unit.i
	%482 = load i32, i32* %481
	%483 = call i32 @kiln_requant(i32 %478, i32 %480, i32 %482)
	%484 = add i32 %483, %out_off
	%485 = mul i64 %row1.i, %ors
	%486 = mul i64 %unit.i, %ous
	%487 = add i64 %485, %486
	%488 = icmp sgt i32 %484, %lo
	%489 = select i1 %488, i32 %484, i32 %lo
	%490 = icmp slt i32 %489, %hi
	%491 = select i1 %490, i32 %489, i32 %hi
	%492 = trunc i32 %491 to i8
	%493 = getelementptr i8, i8* %out, i64 %487
	store i8 %492, i8* %493
	%494 = add i64 %row1.i, 1
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
