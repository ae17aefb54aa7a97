; kiln model tiny, compiled from its int8 graph.
; Entry points: kiln_tiny_run (int8 in and out), kiln_tiny_run_f32 (float in and out), kiln_tiny_arena_size.
; Dot products: the generic form.
; Arena: 128 bytes per example.

; h.weight.q = param  tiny.kiln:4:13
@h.weight.q = private unnamed_addr constant [48 x i8] c"\CC\BD\EC\81L\BB\7F\96W\DCL\12\81\C5\CC\A9[\D1\AF\1E\8F\AF\7F\E4\EE\F7A4\F0\7F\8E\F9\7F]C\17\CB\84\CC\F0\BC\7Ff\E0\CE\81 \93", align 64
; bias of h.q, plus its input offset -3 times the weights' row sums
@h.q.bias = private unnamed_addr constant [8 x i32] [i32 4823, i32 1326, i32 -2502, i32 3653, i32 -1013, i32 -4674, i32 -5028, i32 -3359], align 64
; per-unit multipliers of h.q
@h.q.mult = private unnamed_addr constant [8 x i32] [i32 1332712454, i32 1447568384, i32 1392929769, i32 1223045875, i32 1395462633, i32 1467298014, i32 1535183406, i32 1428068386], align 64
; per-unit shifts of h.q
@h.q.shift = private unnamed_addr constant [8 x i32] [i32 -6, i32 -6, i32 -6, i32 -6, i32 -6, i32 -6, i32 -7, i32 -6], align 64
; y.weight.q = param  tiny.kiln:5:14
@y.weight.q = private unnamed_addr constant [32 x i8] c"Wq\AF\A8\7F\CA\02\F6\7F\B0\F2\9C!\E5\91\1F\81\DE\1Aw\AD]Fh\121\C4\07F\F2y\81", align 64
; bias of y.q, plus its input offset 128 times the weights' row sums
@y.q.bias = private unnamed_addr constant [4 x i32] [i32 23657, i32 -10685, i32 27327, i32 4479], align 64
; per-unit multipliers of y.q
@y.q.mult = private unnamed_addr constant [4 x i32] [i32 2094130894, i32 2063558269, i32 1105992514, i32 2065668172], align 64
; per-unit shifts of y.q
@y.q.shift = private unnamed_addr constant [4 x i32] [i32 -8, i32 -8, i32 -7, i32 -8], align 64

declare void @llvm.memcpy.p0i8.p0i8.i64(i8* %dst, i8* %src, i64 %len, i1 %volatile)

declare i32 @llvm.vector.reduce.add.v16i32(<16 x i32> %0)

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
	%2 = sdiv i64 %units, 4
	br label %block

block:
	%block.i = phi i64 [ 0, %entry ], [ %383, %row.end ]
	%3 = icmp slt i64 %block.i, %2
	br i1 %3, label %block.body, label %block.end

block.body:
	%4 = mul i64 %block.i, 4
	%5 = getelementptr i32, i32* %bias, i64 %4
	%6 = bitcast i32* %5 to <4 x i32>*
	%7 = load <4 x i32>, <4 x i32>* %6, align 4
	%8 = getelementptr i32, i32* %mult, i64 %4
	%9 = bitcast i32* %8 to <4 x i32>*
	%10 = load <4 x i32>, <4 x i32>* %9, align 4
	%11 = getelementptr i32, i32* %shift, i64 %4
	%12 = bitcast i32* %11 to <4 x i32>*
	%13 = load <4 x i32>, <4 x i32>* %12, align 4
	%14 = insertelement <4 x i32> undef, i32 %out_off, i32 0
	%15 = shufflevector <4 x i32> %14, <4 x i32> undef, <4 x i32> zeroinitializer
	%16 = insertelement <4 x i32> undef, i32 %lo, i32 0
	%17 = shufflevector <4 x i32> %16, <4 x i32> undef, <4 x i32> zeroinitializer
	%18 = insertelement <4 x i32> undef, i32 %hi, i32 0
	%19 = shufflevector <4 x i32> %18, <4 x i32> undef, <4 x i32> zeroinitializer
	%20 = sdiv i64 %rows, 2
	br label %rows2

block.end:
	%21 = mul i64 %2, 4
	%22 = sub i64 %units, %21
	br label %unit

rows2:
	%rows2.i = phi i64 [ 0, %block.body ], [ %365, %dot8.tail.end ]
	%23 = icmp slt i64 %rows2.i, %20
	br i1 %23, label %rows2.body, label %rows2.end

rows2.body:
	%24 = mul i64 %rows2.i, 2
	%25 = add i64 %24, 1
	%26 = mul i64 %24, %in
	%27 = getelementptr i8, i8* %x, i64 %26
	%28 = mul i64 %25, %in
	%29 = getelementptr i8, i8* %x, i64 %28
	%30 = add i64 %4, 0
	%31 = mul i64 %30, %in
	%32 = getelementptr i8, i8* %w, i64 %31
	%33 = add i64 %4, 1
	%34 = mul i64 %33, %in
	%35 = getelementptr i8, i8* %w, i64 %34
	%36 = add i64 %4, 2
	%37 = mul i64 %36, %in
	%38 = getelementptr i8, i8* %w, i64 %37
	%39 = add i64 %4, 3
	%40 = mul i64 %39, %in
	%41 = getelementptr i8, i8* %w, i64 %40
	br label %dot8.vec

rows2.end:
	%42 = mul i64 %20, 2
	%43 = sub i64 %rows, %42
	br label %row

dot8.vec:
	%dot8.vec.i = phi i64 [ 0, %rows2.body ], [ %106, %dot8.vec.body ]
	%44 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %68, %dot8.vec.body ]
	%45 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %79, %dot8.vec.body ]
	%46 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %90, %dot8.vec.body ]
	%47 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %101, %dot8.vec.body ]
	%48 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %72, %dot8.vec.body ]
	%49 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %83, %dot8.vec.body ]
	%50 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %94, %dot8.vec.body ]
	%51 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %105, %dot8.vec.body ]
	%52 = icmp slt i64 %dot8.vec.i, %0
	br i1 %52, label %dot8.vec.body, label %dot8.vec.end

dot8.vec.body:
	%53 = mul i64 %dot8.vec.i, 16
	%54 = getelementptr i8, i8* %27, i64 %53
	%55 = bitcast i8* %54 to <16 x i8>*
	%56 = load <16 x i8>, <16 x i8>* %55, align 1
	%57 = sext <16 x i8> %56 to <16 x i16>
	%58 = getelementptr i8, i8* %29, i64 %53
	%59 = bitcast i8* %58 to <16 x i8>*
	%60 = load <16 x i8>, <16 x i8>* %59, align 1
	%61 = sext <16 x i8> %60 to <16 x i16>
	%62 = getelementptr i8, i8* %32, i64 %53
	%63 = bitcast i8* %62 to <16 x i8>*
	%64 = load <16 x i8>, <16 x i8>* %63, align 1
	%65 = sext <16 x i8> %64 to <16 x i16>
	%66 = mul <16 x i16> %57, %65
	%67 = sext <16 x i16> %66 to <16 x i32>
	%68 = add <16 x i32> %44, %67
	%69 = sext <16 x i8> %64 to <16 x i16>
	%70 = mul <16 x i16> %61, %69
	%71 = sext <16 x i16> %70 to <16 x i32>
	%72 = add <16 x i32> %48, %71
	%73 = getelementptr i8, i8* %35, i64 %53
	%74 = bitcast i8* %73 to <16 x i8>*
	%75 = load <16 x i8>, <16 x i8>* %74, align 1
	%76 = sext <16 x i8> %75 to <16 x i16>
	%77 = mul <16 x i16> %57, %76
	%78 = sext <16 x i16> %77 to <16 x i32>
	%79 = add <16 x i32> %45, %78
	%80 = sext <16 x i8> %75 to <16 x i16>
	%81 = mul <16 x i16> %61, %80
	%82 = sext <16 x i16> %81 to <16 x i32>
	%83 = add <16 x i32> %49, %82
	%84 = getelementptr i8, i8* %38, i64 %53
	%85 = bitcast i8* %84 to <16 x i8>*
	%86 = load <16 x i8>, <16 x i8>* %85, align 1
	%87 = sext <16 x i8> %86 to <16 x i16>
	%88 = mul <16 x i16> %57, %87
	%89 = sext <16 x i16> %88 to <16 x i32>
	%90 = add <16 x i32> %46, %89
	%91 = sext <16 x i8> %86 to <16 x i16>
	%92 = mul <16 x i16> %61, %91
	%93 = sext <16 x i16> %92 to <16 x i32>
	%94 = add <16 x i32> %50, %93
	%95 = getelementptr i8, i8* %41, i64 %53
	%96 = bitcast i8* %95 to <16 x i8>*
	%97 = load <16 x i8>, <16 x i8>* %96, align 1
	%98 = sext <16 x i8> %97 to <16 x i16>
	%99 = mul <16 x i16> %57, %98
	%100 = sext <16 x i16> %99 to <16 x i32>
	%101 = add <16 x i32> %47, %100
	%102 = sext <16 x i8> %97 to <16 x i16>
	%103 = mul <16 x i16> %61, %102
	%104 = sext <16 x i16> %103 to <16 x i32>
	%105 = add <16 x i32> %51, %104
	%106 = add i64 %dot8.vec.i, 1
	br label %dot8.vec

dot8.vec.end:
	%107 = sub i64 %in, %1
	br label %dot8.tail

dot8.tail:
	%dot8.tail.i = phi i64 [ 0, %dot8.vec.end ], [ %164, %dot8.tail.body ]
	%108 = phi i32 [ 0, %dot8.vec.end ], [ %125, %dot8.tail.body ]
	%109 = phi i32 [ 0, %dot8.vec.end ], [ %130, %dot8.tail.body ]
	%110 = phi i32 [ 0, %dot8.vec.end ], [ %135, %dot8.tail.body ]
	%111 = phi i32 [ 0, %dot8.vec.end ], [ %140, %dot8.tail.body ]
	%112 = phi i32 [ 0, %dot8.vec.end ], [ %148, %dot8.tail.body ]
	%113 = phi i32 [ 0, %dot8.vec.end ], [ %153, %dot8.tail.body ]
	%114 = phi i32 [ 0, %dot8.vec.end ], [ %158, %dot8.tail.body ]
	%115 = phi i32 [ 0, %dot8.vec.end ], [ %163, %dot8.tail.body ]
	%116 = icmp slt i64 %dot8.tail.i, %107
	br i1 %116, label %dot8.tail.body, label %dot8.tail.end

dot8.tail.body:
	%117 = add i64 %1, %dot8.tail.i
	%118 = getelementptr i8, i8* %27, i64 %117
	%119 = load i8, i8* %118
	%120 = sext i8 %119 to i32
	%121 = getelementptr i8, i8* %32, i64 %117
	%122 = load i8, i8* %121
	%123 = sext i8 %122 to i32
	%124 = mul i32 %123, %120
	%125 = add i32 %108, %124
	%126 = getelementptr i8, i8* %35, i64 %117
	%127 = load i8, i8* %126
	%128 = sext i8 %127 to i32
	%129 = mul i32 %128, %120
	%130 = add i32 %109, %129
	%131 = getelementptr i8, i8* %38, i64 %117
	%132 = load i8, i8* %131
	%133 = sext i8 %132 to i32
	%134 = mul i32 %133, %120
	%135 = add i32 %110, %134
	%136 = getelementptr i8, i8* %41, i64 %117
	%137 = load i8, i8* %136
	%138 = sext i8 %137 to i32
	%139 = mul i32 %138, %120
	%140 = add i32 %111, %139
	%141 = getelementptr i8, i8* %29, i64 %117
	%142 = load i8, i8* %141
	%143 = sext i8 %142 to i32
	%144 = getelementptr i8, i8* %32, i64 %117
	%145 = load i8, i8* %144
	%146 = sext i8 %145 to i32
	%147 = mul i32 %146, %143
	%148 = add i32 %112, %147
	%149 = getelementptr i8, i8* %35, i64 %117
	%150 = load i8, i8* %149
	%151 = sext i8 %150 to i32
	%152 = mul i32 %151, %143
	%153 = add i32 %113, %152
	%154 = getelementptr i8, i8* %38, i64 %117
	%155 = load i8, i8* %154
	%156 = sext i8 %155 to i32
	%157 = mul i32 %156, %143
	%158 = add i32 %114, %157
	%159 = getelementptr i8, i8* %41, i64 %117
	%160 = load i8, i8* %159
	%161 = sext i8 %160 to i32
	%162 = mul i32 %161, %143
	%163 = add i32 %115, %162
	%164 = add i64 %dot8.tail.i, 1
	br label %dot8.tail

dot8.tail.end:
	%165 = shufflevector <16 x i32> %44, <16 x i32> %44, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%166 = shufflevector <16 x i32> %44, <16 x i32> %44, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%167 = add <8 x i32> %165, %166
	%168 = shufflevector <8 x i32> %167, <8 x i32> %167, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%169 = shufflevector <8 x i32> %167, <8 x i32> %167, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%170 = add <4 x i32> %168, %169
	%171 = shufflevector <16 x i32> %45, <16 x i32> %45, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%172 = shufflevector <16 x i32> %45, <16 x i32> %45, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%173 = add <8 x i32> %171, %172
	%174 = shufflevector <8 x i32> %173, <8 x i32> %173, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%175 = shufflevector <8 x i32> %173, <8 x i32> %173, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%176 = add <4 x i32> %174, %175
	%177 = shufflevector <16 x i32> %46, <16 x i32> %46, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%178 = shufflevector <16 x i32> %46, <16 x i32> %46, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%179 = add <8 x i32> %177, %178
	%180 = shufflevector <8 x i32> %179, <8 x i32> %179, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%181 = shufflevector <8 x i32> %179, <8 x i32> %179, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%182 = add <4 x i32> %180, %181
	%183 = shufflevector <16 x i32> %47, <16 x i32> %47, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%184 = shufflevector <16 x i32> %47, <16 x i32> %47, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%185 = add <8 x i32> %183, %184
	%186 = shufflevector <8 x i32> %185, <8 x i32> %185, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%187 = shufflevector <8 x i32> %185, <8 x i32> %185, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%188 = add <4 x i32> %186, %187
	%189 = shufflevector <4 x i32> %170, <4 x i32> %176, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%190 = shufflevector <4 x i32> %170, <4 x i32> %176, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%191 = add <4 x i32> %189, %190
	%192 = shufflevector <4 x i32> %182, <4 x i32> %188, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%193 = shufflevector <4 x i32> %182, <4 x i32> %188, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%194 = add <4 x i32> %192, %193
	%195 = shufflevector <4 x i32> %191, <4 x i32> %194, <4 x i32> <i32 0, i32 1, i32 4, i32 5>
	%196 = shufflevector <4 x i32> %191, <4 x i32> %194, <4 x i32> <i32 2, i32 3, i32 6, i32 7>
	%197 = add <4 x i32> %195, %196
	%198 = add <4 x i32> %197, %7
	%199 = insertelement <4 x i32> zeroinitializer, i32 %108, i32 0
	%200 = add <4 x i32> %198, %199
	%201 = insertelement <4 x i32> zeroinitializer, i32 %109, i32 1
	%202 = add <4 x i32> %200, %201
	%203 = insertelement <4 x i32> zeroinitializer, i32 %110, i32 2
	%204 = add <4 x i32> %202, %203
	%205 = insertelement <4 x i32> zeroinitializer, i32 %111, i32 3
	%206 = add <4 x i32> %204, %205
	%207 = icmp sgt <4 x i32> %13, <i32 0, i32 0, i32 0, i32 0>
	%208 = select <4 x i1> %207, <4 x i32> %13, <4 x i32> <i32 0, i32 0, i32 0, i32 0>
	%209 = sub <4 x i32> <i32 0, i32 0, i32 0, i32 0>, %13
	%210 = select <4 x i1> %207, <4 x i32> <i32 0, i32 0, i32 0, i32 0>, <4 x i32> %209
	%211 = shl <4 x i32> %206, %208
	%212 = icmp eq <4 x i32> %211, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%213 = icmp eq <4 x i32> %10, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%214 = and <4 x i1> %212, %213
	%215 = sext <4 x i32> %211 to <4 x i64>
	%216 = sext <4 x i32> %10 to <4 x i64>
	%217 = mul <4 x i64> %215, %216
	%218 = icmp sge <4 x i64> %217, <i64 0, i64 0, i64 0, i64 0>
	%219 = select <4 x i1> %218, <4 x i64> <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>, <4 x i64> <i64 -1073741823, i64 -1073741823, i64 -1073741823, i64 -1073741823>
	%220 = add <4 x i64> %217, %219
	%221 = sdiv <4 x i64> %220, <i64 u0x80000000, i64 u0x80000000, i64 u0x80000000, i64 u0x80000000>
	%222 = trunc <4 x i64> %221 to <4 x i32>
	%223 = select <4 x i1> %214, <4 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <4 x i32> %222
	%224 = shl <4 x i32> <i32 1, i32 1, i32 1, i32 1>, %210
	%225 = sub <4 x i32> %224, <i32 1, i32 1, i32 1, i32 1>
	%226 = and <4 x i32> %223, %225
	%227 = ashr <4 x i32> %225, <i32 1, i32 1, i32 1, i32 1>
	%228 = icmp slt <4 x i32> %223, <i32 0, i32 0, i32 0, i32 0>
	%229 = zext <4 x i1> %228 to <4 x i32>
	%230 = add <4 x i32> %227, %229
	%231 = icmp sgt <4 x i32> %226, %230
	%232 = zext <4 x i1> %231 to <4 x i32>
	%233 = ashr <4 x i32> %223, %210
	%234 = add <4 x i32> %233, %232
	%235 = add <4 x i32> %234, %15
	%236 = icmp slt <4 x i32> %235, %17
	%237 = icmp sgt <4 x i32> %235, %19
	%238 = select <4 x i1> %237, <4 x i32> %19, <4 x i32> %235
	%239 = select <4 x i1> %236, <4 x i32> %17, <4 x i32> %238
	%240 = trunc <4 x i32> %239 to <4 x i8>
	%241 = mul i64 %24, %ors
	%242 = add i64 %4, 0
	%243 = mul i64 %242, %ous
	%244 = add i64 %241, %243
	%245 = extractelement <4 x i8> %240, i32 0
	%246 = getelementptr i8, i8* %out, i64 %244
	store i8 %245, i8* %246
	%247 = mul i64 %24, %ors
	%248 = add i64 %4, 1
	%249 = mul i64 %248, %ous
	%250 = add i64 %247, %249
	%251 = extractelement <4 x i8> %240, i32 1
	%252 = getelementptr i8, i8* %out, i64 %250
	store i8 %251, i8* %252
	%253 = mul i64 %24, %ors
	%254 = add i64 %4, 2
	%255 = mul i64 %254, %ous
	%256 = add i64 %253, %255
	%257 = extractelement <4 x i8> %240, i32 2
	%258 = getelementptr i8, i8* %out, i64 %256
	store i8 %257, i8* %258
	%259 = mul i64 %24, %ors
	%260 = add i64 %4, 3
	%261 = mul i64 %260, %ous
	%262 = add i64 %259, %261
	%263 = extractelement <4 x i8> %240, i32 3
	%264 = getelementptr i8, i8* %out, i64 %262
	store i8 %263, i8* %264
	%265 = shufflevector <16 x i32> %48, <16 x i32> %48, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%266 = shufflevector <16 x i32> %48, <16 x i32> %48, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%267 = add <8 x i32> %265, %266
	%268 = shufflevector <8 x i32> %267, <8 x i32> %267, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%269 = shufflevector <8 x i32> %267, <8 x i32> %267, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%270 = add <4 x i32> %268, %269
	%271 = shufflevector <16 x i32> %49, <16 x i32> %49, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%272 = shufflevector <16 x i32> %49, <16 x i32> %49, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%273 = add <8 x i32> %271, %272
	%274 = shufflevector <8 x i32> %273, <8 x i32> %273, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%275 = shufflevector <8 x i32> %273, <8 x i32> %273, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%276 = add <4 x i32> %274, %275
	%277 = shufflevector <16 x i32> %50, <16 x i32> %50, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%278 = shufflevector <16 x i32> %50, <16 x i32> %50, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%279 = add <8 x i32> %277, %278
	%280 = shufflevector <8 x i32> %279, <8 x i32> %279, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%281 = shufflevector <8 x i32> %279, <8 x i32> %279, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%282 = add <4 x i32> %280, %281
	%283 = shufflevector <16 x i32> %51, <16 x i32> %51, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%284 = shufflevector <16 x i32> %51, <16 x i32> %51, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%285 = add <8 x i32> %283, %284
	%286 = shufflevector <8 x i32> %285, <8 x i32> %285, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%287 = shufflevector <8 x i32> %285, <8 x i32> %285, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%288 = add <4 x i32> %286, %287
	%289 = shufflevector <4 x i32> %270, <4 x i32> %276, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%290 = shufflevector <4 x i32> %270, <4 x i32> %276, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%291 = add <4 x i32> %289, %290
	%292 = shufflevector <4 x i32> %282, <4 x i32> %288, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%293 = shufflevector <4 x i32> %282, <4 x i32> %288, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%294 = add <4 x i32> %292, %293
	%295 = shufflevector <4 x i32> %291, <4 x i32> %294, <4 x i32> <i32 0, i32 1, i32 4, i32 5>
	%296 = shufflevector <4 x i32> %291, <4 x i32> %294, <4 x i32> <i32 2, i32 3, i32 6, i32 7>
	%297 = add <4 x i32> %295, %296
	%298 = add <4 x i32> %297, %7
	%299 = insertelement <4 x i32> zeroinitializer, i32 %112, i32 0
	%300 = add <4 x i32> %298, %299
	%301 = insertelement <4 x i32> zeroinitializer, i32 %113, i32 1
	%302 = add <4 x i32> %300, %301
	%303 = insertelement <4 x i32> zeroinitializer, i32 %114, i32 2
	%304 = add <4 x i32> %302, %303
	%305 = insertelement <4 x i32> zeroinitializer, i32 %115, i32 3
	%306 = add <4 x i32> %304, %305
	%307 = icmp sgt <4 x i32> %13, <i32 0, i32 0, i32 0, i32 0>
	%308 = select <4 x i1> %307, <4 x i32> %13, <4 x i32> <i32 0, i32 0, i32 0, i32 0>
	%309 = sub <4 x i32> <i32 0, i32 0, i32 0, i32 0>, %13
	%310 = select <4 x i1> %307, <4 x i32> <i32 0, i32 0, i32 0, i32 0>, <4 x i32> %309
	%311 = shl <4 x i32> %306, %308
	%312 = icmp eq <4 x i32> %311, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%313 = icmp eq <4 x i32> %10, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%314 = and <4 x i1> %312, %313
	%315 = sext <4 x i32> %311 to <4 x i64>
	%316 = sext <4 x i32> %10 to <4 x i64>
	%317 = mul <4 x i64> %315, %316
	%318 = icmp sge <4 x i64> %317, <i64 0, i64 0, i64 0, i64 0>
	%319 = select <4 x i1> %318, <4 x i64> <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>, <4 x i64> <i64 -1073741823, i64 -1073741823, i64 -1073741823, i64 -1073741823>
	%320 = add <4 x i64> %317, %319
	%321 = sdiv <4 x i64> %320, <i64 u0x80000000, i64 u0x80000000, i64 u0x80000000, i64 u0x80000000>
	%322 = trunc <4 x i64> %321 to <4 x i32>
	%323 = select <4 x i1> %314, <4 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <4 x i32> %322
	%324 = shl <4 x i32> <i32 1, i32 1, i32 1, i32 1>, %310
	%325 = sub <4 x i32> %324, <i32 1, i32 1, i32 1, i32 1>
	%326 = and <4 x i32> %323, %325
	%327 = ashr <4 x i32> %325, <i32 1, i32 1, i32 1, i32 1>
	%328 = icmp slt <4 x i32> %323, <i32 0, i32 0, i32 0, i32 0>
	%329 = zext <4 x i1> %328 to <4 x i32>
	%330 = add <4 x i32> %327, %329
	%331 = icmp sgt <4 x i32> %326, %330
	%332 = zext <4 x i1> %331 to <4 x i32>
	%333 = ashr <4 x i32> %323, %310
	%334 = add <4 x i32> %333, %332
	%335 = add <4 x i32> %334, %15
	%336 = icmp slt <4 x i32> %335, %17
	%337 = icmp sgt <4 x i32> %335, %19
	%338 = select <4 x i1> %337, <4 x i32> %19, <4 x i32> %335
	%339 = select <4 x i1> %336, <4 x i32> %17, <4 x i32> %338
	%340 = trunc <4 x i32> %339 to <4 x i8>
	%341 = mul i64 %25, %ors
	%342 = add i64 %4, 0
	%343 = mul i64 %342, %ous
	%344 = add i64 %341, %343
	%345 = extractelement <4 x i8> %340, i32 0
	%346 = getelementptr i8, i8* %out, i64 %344
	store i8 %345, i8* %346
	%347 = mul i64 %25, %ors
	%348 = add i64 %4, 1
	%349 = mul i64 %348, %ous
	%350 = add i64 %347, %349
	%351 = extractelement <4 x i8> %340, i32 1
	%352 = getelementptr i8, i8* %out, i64 %350
	store i8 %351, i8* %352
	%353 = mul i64 %25, %ors
	%354 = add i64 %4, 2
	%355 = mul i64 %354, %ous
	%356 = add i64 %353, %355
	%357 = extractelement <4 x i8> %340, i32 2
	%358 = getelementptr i8, i8* %out, i64 %356
	store i8 %357, i8* %358
	%359 = mul i64 %25, %ors
	%360 = add i64 %4, 3
	%361 = mul i64 %360, %ous
	%362 = add i64 %359, %361
	%363 = extractelement <4 x i8> %340, i32 3
	%364 = getelementptr i8, i8* %out, i64 %362
	store i8 %363, i8* %364
	%365 = add i64 %rows2.i, 1
	br label %rows2

row:
	%row.i = phi i64 [ 0, %rows2.end ], [ %554, %dot4.tail.end ]
	%366 = icmp slt i64 %row.i, %43
	br i1 %366, label %row.body, label %row.end

row.body:
	%367 = mul i64 %20, 2
	%368 = add i64 %367, %row.i
	%369 = mul i64 %368, %in
	%370 = getelementptr i8, i8* %x, i64 %369
	%371 = add i64 %4, 0
	%372 = mul i64 %371, %in
	%373 = getelementptr i8, i8* %w, i64 %372
	%374 = add i64 %4, 1
	%375 = mul i64 %374, %in
	%376 = getelementptr i8, i8* %w, i64 %375
	%377 = add i64 %4, 2
	%378 = mul i64 %377, %in
	%379 = getelementptr i8, i8* %w, i64 %378
	%380 = add i64 %4, 3
	%381 = mul i64 %380, %in
	%382 = getelementptr i8, i8* %w, i64 %381
	br label %dot4.vec

row.end:
	%383 = add i64 %block.i, 1
	br label %block

dot4.vec:
	%dot4.vec.i = phi i64 [ 0, %row.body ], [ %422, %dot4.vec.body ]
	%384 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %400, %dot4.vec.body ]
	%385 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %407, %dot4.vec.body ]
	%386 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %414, %dot4.vec.body ]
	%387 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %421, %dot4.vec.body ]
	%388 = icmp slt i64 %dot4.vec.i, %0
	br i1 %388, label %dot4.vec.body, label %dot4.vec.end

dot4.vec.body:
	%389 = mul i64 %dot4.vec.i, 16
	%390 = getelementptr i8, i8* %370, i64 %389
	%391 = bitcast i8* %390 to <16 x i8>*
	%392 = load <16 x i8>, <16 x i8>* %391, align 1
	%393 = sext <16 x i8> %392 to <16 x i16>
	%394 = getelementptr i8, i8* %373, i64 %389
	%395 = bitcast i8* %394 to <16 x i8>*
	%396 = load <16 x i8>, <16 x i8>* %395, align 1
	%397 = sext <16 x i8> %396 to <16 x i16>
	%398 = mul <16 x i16> %393, %397
	%399 = sext <16 x i16> %398 to <16 x i32>
	%400 = add <16 x i32> %384, %399
	%401 = getelementptr i8, i8* %376, i64 %389
	%402 = bitcast i8* %401 to <16 x i8>*
	%403 = load <16 x i8>, <16 x i8>* %402, align 1
	%404 = sext <16 x i8> %403 to <16 x i16>
	%405 = mul <16 x i16> %393, %404
	%406 = sext <16 x i16> %405 to <16 x i32>
	%407 = add <16 x i32> %385, %406
	%408 = getelementptr i8, i8* %379, i64 %389
	%409 = bitcast i8* %408 to <16 x i8>*
	%410 = load <16 x i8>, <16 x i8>* %409, align 1
	%411 = sext <16 x i8> %410 to <16 x i16>
	%412 = mul <16 x i16> %393, %411
	%413 = sext <16 x i16> %412 to <16 x i32>
	%414 = add <16 x i32> %386, %413
	%415 = getelementptr i8, i8* %382, i64 %389
	%416 = bitcast i8* %415 to <16 x i8>*
	%417 = load <16 x i8>, <16 x i8>* %416, align 1
	%418 = sext <16 x i8> %417 to <16 x i16>
	%419 = mul <16 x i16> %393, %418
	%420 = sext <16 x i16> %419 to <16 x i32>
	%421 = add <16 x i32> %387, %420
	%422 = add i64 %dot4.vec.i, 1
	br label %dot4.vec

dot4.vec.end:
	%423 = sub i64 %in, %1
	br label %dot4.tail

dot4.tail:
	%dot4.tail.i = phi i64 [ 0, %dot4.vec.end ], [ %453, %dot4.tail.body ]
	%424 = phi i32 [ 0, %dot4.vec.end ], [ %437, %dot4.tail.body ]
	%425 = phi i32 [ 0, %dot4.vec.end ], [ %442, %dot4.tail.body ]
	%426 = phi i32 [ 0, %dot4.vec.end ], [ %447, %dot4.tail.body ]
	%427 = phi i32 [ 0, %dot4.vec.end ], [ %452, %dot4.tail.body ]
	%428 = icmp slt i64 %dot4.tail.i, %423
	br i1 %428, label %dot4.tail.body, label %dot4.tail.end

dot4.tail.body:
	%429 = add i64 %1, %dot4.tail.i
	%430 = getelementptr i8, i8* %370, i64 %429
	%431 = load i8, i8* %430
	%432 = sext i8 %431 to i32
	%433 = getelementptr i8, i8* %373, i64 %429
	%434 = load i8, i8* %433
	%435 = sext i8 %434 to i32
	%436 = mul i32 %435, %432
	%437 = add i32 %424, %436
	%438 = getelementptr i8, i8* %376, i64 %429
	%439 = load i8, i8* %438
	%440 = sext i8 %439 to i32
	%441 = mul i32 %440, %432
	%442 = add i32 %425, %441
	%443 = getelementptr i8, i8* %379, i64 %429
	%444 = load i8, i8* %443
	%445 = sext i8 %444 to i32
	%446 = mul i32 %445, %432
	%447 = add i32 %426, %446
	%448 = getelementptr i8, i8* %382, i64 %429
	%449 = load i8, i8* %448
	%450 = sext i8 %449 to i32
	%451 = mul i32 %450, %432
	%452 = add i32 %427, %451
	%453 = add i64 %dot4.tail.i, 1
	br label %dot4.tail

dot4.tail.end:
	%454 = shufflevector <16 x i32> %384, <16 x i32> %384, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%455 = shufflevector <16 x i32> %384, <16 x i32> %384, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%456 = add <8 x i32> %454, %455
	%457 = shufflevector <8 x i32> %456, <8 x i32> %456, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%458 = shufflevector <8 x i32> %456, <8 x i32> %456, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%459 = add <4 x i32> %457, %458
	%460 = shufflevector <16 x i32> %385, <16 x i32> %385, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%461 = shufflevector <16 x i32> %385, <16 x i32> %385, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%462 = add <8 x i32> %460, %461
	%463 = shufflevector <8 x i32> %462, <8 x i32> %462, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%464 = shufflevector <8 x i32> %462, <8 x i32> %462, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%465 = add <4 x i32> %463, %464
	%466 = shufflevector <16 x i32> %386, <16 x i32> %386, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%467 = shufflevector <16 x i32> %386, <16 x i32> %386, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%468 = add <8 x i32> %466, %467
	%469 = shufflevector <8 x i32> %468, <8 x i32> %468, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%470 = shufflevector <8 x i32> %468, <8 x i32> %468, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%471 = add <4 x i32> %469, %470
	%472 = shufflevector <16 x i32> %387, <16 x i32> %387, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%473 = shufflevector <16 x i32> %387, <16 x i32> %387, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%474 = add <8 x i32> %472, %473
	%475 = shufflevector <8 x i32> %474, <8 x i32> %474, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%476 = shufflevector <8 x i32> %474, <8 x i32> %474, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%477 = add <4 x i32> %475, %476
	%478 = shufflevector <4 x i32> %459, <4 x i32> %465, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%479 = shufflevector <4 x i32> %459, <4 x i32> %465, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%480 = add <4 x i32> %478, %479
	%481 = shufflevector <4 x i32> %471, <4 x i32> %477, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%482 = shufflevector <4 x i32> %471, <4 x i32> %477, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%483 = add <4 x i32> %481, %482
	%484 = shufflevector <4 x i32> %480, <4 x i32> %483, <4 x i32> <i32 0, i32 1, i32 4, i32 5>
	%485 = shufflevector <4 x i32> %480, <4 x i32> %483, <4 x i32> <i32 2, i32 3, i32 6, i32 7>
	%486 = add <4 x i32> %484, %485
	%487 = add <4 x i32> %486, %7
	%488 = insertelement <4 x i32> zeroinitializer, i32 %424, i32 0
	%489 = add <4 x i32> %487, %488
	%490 = insertelement <4 x i32> zeroinitializer, i32 %425, i32 1
	%491 = add <4 x i32> %489, %490
	%492 = insertelement <4 x i32> zeroinitializer, i32 %426, i32 2
	%493 = add <4 x i32> %491, %492
	%494 = insertelement <4 x i32> zeroinitializer, i32 %427, i32 3
	%495 = add <4 x i32> %493, %494
	%496 = icmp sgt <4 x i32> %13, <i32 0, i32 0, i32 0, i32 0>
	%497 = select <4 x i1> %496, <4 x i32> %13, <4 x i32> <i32 0, i32 0, i32 0, i32 0>
	%498 = sub <4 x i32> <i32 0, i32 0, i32 0, i32 0>, %13
	%499 = select <4 x i1> %496, <4 x i32> <i32 0, i32 0, i32 0, i32 0>, <4 x i32> %498
	%500 = shl <4 x i32> %495, %497
	%501 = icmp eq <4 x i32> %500, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%502 = icmp eq <4 x i32> %10, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%503 = and <4 x i1> %501, %502
	%504 = sext <4 x i32> %500 to <4 x i64>
	%505 = sext <4 x i32> %10 to <4 x i64>
	%506 = mul <4 x i64> %504, %505
	%507 = icmp sge <4 x i64> %506, <i64 0, i64 0, i64 0, i64 0>
	%508 = select <4 x i1> %507, <4 x i64> <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>, <4 x i64> <i64 -1073741823, i64 -1073741823, i64 -1073741823, i64 -1073741823>
	%509 = add <4 x i64> %506, %508
	%510 = sdiv <4 x i64> %509, <i64 u0x80000000, i64 u0x80000000, i64 u0x80000000, i64 u0x80000000>
	%511 = trunc <4 x i64> %510 to <4 x i32>
	%512 = select <4 x i1> %503, <4 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <4 x i32> %511
	%513 = shl <4 x i32> <i32 1, i32 1, i32 1, i32 1>, %499
	%514 = sub <4 x i32> %513, <i32 1, i32 1, i32 1, i32 1>
	%515 = and <4 x i32> %512, %514
	%516 = ashr <4 x i32> %514, <i32 1, i32 1, i32 1, i32 1>
	%517 = icmp slt <4 x i32> %512, <i32 0, i32 0, i32 0, i32 0>
	%518 = zext <4 x i1> %517 to <4 x i32>
	%519 = add <4 x i32> %516, %518
	%520 = icmp sgt <4 x i32> %515, %519
	%521 = zext <4 x i1> %520 to <4 x i32>
	%522 = ashr <4 x i32> %512, %499
	%523 = add <4 x i32> %522, %521
	%524 = add <4 x i32> %523, %15
	%525 = icmp slt <4 x i32> %524, %17
	%526 = icmp sgt <4 x i32> %524, %19
	%527 = select <4 x i1> %526, <4 x i32> %19, <4 x i32> %524
	%528 = select <4 x i1> %525, <4 x i32> %17, <4 x i32> %527
	%529 = trunc <4 x i32> %528 to <4 x i8>
	%530 = mul i64 %368, %ors
	%531 = add i64 %4, 0
	%532 = mul i64 %531, %ous
	%533 = add i64 %530, %532
	%534 = extractelement <4 x i8> %529, i32 0
	%535 = getelementptr i8, i8* %out, i64 %533
	store i8 %534, i8* %535
	%536 = mul i64 %368, %ors
	%537 = add i64 %4, 1
	%538 = mul i64 %537, %ous
	%539 = add i64 %536, %538
	%540 = extractelement <4 x i8> %529, i32 1
	%541 = getelementptr i8, i8* %out, i64 %539
	store i8 %540, i8* %541
	%542 = mul i64 %368, %ors
	%543 = add i64 %4, 2
	%544 = mul i64 %543, %ous
	%545 = add i64 %542, %544
	%546 = extractelement <4 x i8> %529, i32 2
	%547 = getelementptr i8, i8* %out, i64 %545
	store i8 %546, i8* %547
	%548 = mul i64 %368, %ors
	%549 = add i64 %4, 3
	%550 = mul i64 %549, %ous
	%551 = add i64 %548, %550
	%552 = extractelement <4 x i8> %529, i32 3
	%553 = getelementptr i8, i8* %out, i64 %551
	store i8 %552, i8* %553
	%554 = add i64 %row.i, 1
	br label %row

unit:
	%unit.i = phi i64 [ 0, %block.end ], [ %563, %row1.end ]
	%555 = icmp slt i64 %unit.i, %22
	br i1 %555, label %unit.body, label %unit.end

unit.body:
	%556 = add i64 %21, %unit.i
	br label %row1

unit.end:
	ret void

row1:
	%row1.i = phi i64 [ 0, %unit.body ], [ %612, %dot.tail.end ]
	%557 = icmp slt i64 %row1.i, %rows
	br i1 %557, label %row1.body, label %row1.end

row1.body:
	%558 = mul i64 %row1.i, %in
	%559 = getelementptr i8, i8* %x, i64 %558
	%560 = add i64 %556, 0
	%561 = mul i64 %560, %in
	%562 = getelementptr i8, i8* %w, i64 %561
	br label %dot.vec

row1.end:
	%563 = add i64 %unit.i, 1
	br label %unit

dot.vec:
	%dot.vec.i = phi i64 [ 0, %row1.body ], [ %578, %dot.vec.body ]
	%564 = phi <16 x i32> [ zeroinitializer, %row1.body ], [ %577, %dot.vec.body ]
	%565 = icmp slt i64 %dot.vec.i, %0
	br i1 %565, label %dot.vec.body, label %dot.vec.end

dot.vec.body:
	%566 = mul i64 %dot.vec.i, 16
	%567 = getelementptr i8, i8* %559, i64 %566
	%568 = bitcast i8* %567 to <16 x i8>*
	%569 = load <16 x i8>, <16 x i8>* %568, align 1
	%570 = sext <16 x i8> %569 to <16 x i16>
	%571 = getelementptr i8, i8* %562, i64 %566
	%572 = bitcast i8* %571 to <16 x i8>*
	%573 = load <16 x i8>, <16 x i8>* %572, align 1
	%574 = sext <16 x i8> %573 to <16 x i16>
	%575 = mul <16 x i16> %570, %574
	%576 = sext <16 x i16> %575 to <16 x i32>
	%577 = add <16 x i32> %564, %576
	%578 = add i64 %dot.vec.i, 1
	br label %dot.vec

dot.vec.end:
	%579 = sub i64 %in, %1
	br label %dot.tail

dot.tail:
	%dot.tail.i = phi i64 [ 0, %dot.vec.end ], [ %591, %dot.tail.body ]
	%580 = phi i32 [ 0, %dot.vec.end ], [ %590, %dot.tail.body ]
	%581 = icmp slt i64 %dot.tail.i, %579
	br i1 %581, label %dot.tail.body, label %dot.tail.end

dot.tail.body:
	%582 = add i64 %1, %dot.tail.i
	%583 = getelementptr i8, i8* %559, i64 %582
	%584 = load i8, i8* %583
	%585 = sext i8 %584 to i32
	%586 = getelementptr i8, i8* %562, i64 %582
	%587 = load i8, i8* %586
	%588 = sext i8 %587 to i32
	%589 = mul i32 %588, %585
	%590 = add i32 %580, %589
	%591 = add i64 %dot.tail.i, 1
	br label %dot.tail

dot.tail.end:
	%592 = call i32 @llvm.vector.reduce.add.v16i32(<16 x i32> %564)
	%593 = add i32 %592, %580
	%594 = getelementptr i32, i32* %bias, i64 %556
	%595 = load i32, i32* %594
	%596 = add i32 %593, %595
	%597 = getelementptr i32, i32* %mult, i64 %556
	%598 = load i32, i32* %597
	%599 = getelementptr i32, i32* %shift, i64 %556
	%600 = load i32, i32* %599
	%601 = call i32 @kiln_requant(i32 %596, i32 %598, i32 %600)
	%602 = add i32 %601, %out_off
	%603 = mul i64 %row1.i, %ors
	%604 = mul i64 %556, %ous
	%605 = add i64 %603, %604
	%606 = icmp sgt i32 %602, %lo
	%607 = select i1 %606, i32 %602, i32 %lo
	%608 = icmp slt i32 %607, %hi
	%609 = select i1 %608, i32 %607, i32 %hi
	%610 = trunc i32 %609 to i8
	%611 = getelementptr i8, i8* %out, i64 %605
	store i8 %610, i8* %611
	%612 = add i64 %row1.i, 1
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
	%2 = mul i64 %n64, 64
	%3 = getelementptr i8, i8* %arena, i64 %2
	; h.q = qdense  tiny.kiln:4:13
	call void @kiln_qdense(i8* %arena, i8* getelementptr ([48 x i8], [48 x i8]* @h.weight.q, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.bias, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.mult, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.shift, i64 0, i64 0), i8* %3, i64 %n64, i64 6, i64 8, i64 8, i64 1, i32 -128, i32 -128, i32 127), !kiln.src !1
	%4 = mul i64 %n64, 64
	%5 = getelementptr i8, i8* %arena, i64 %4
	; y.q = qdense  tiny.kiln:5:14
	call void @kiln_qdense(i8* %5, i8* getelementptr ([32 x i8], [32 x i8]* @y.weight.q, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.bias, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.mult, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.shift, i64 0, i64 0), i8* %arena, i64 %n64, i64 8, i64 4, i64 4, i64 1, i32 -46, i32 -128, i32 127), !kiln.src !2
	%6 = mul i64 %n64, 4
	; y = dequantize  tiny.kiln:5:14
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %y, i8* %arena, i64 %6, i1 false), !kiln.src !3
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
	call void @kiln_quantize(float* %x, i8* %arena, i64 %1, float 0x3F97F7A660000000, i32 3), !kiln.src !4
	%2 = mul i64 %n64, 64
	%3 = getelementptr i8, i8* %arena, i64 %2
	; h.q = qdense  tiny.kiln:4:13
	call void @kiln_qdense(i8* %arena, i8* getelementptr ([48 x i8], [48 x i8]* @h.weight.q, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.bias, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.mult, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.shift, i64 0, i64 0), i8* %3, i64 %n64, i64 6, i64 8, i64 8, i64 1, i32 -128, i32 -128, i32 127), !kiln.src !5
	%4 = mul i64 %n64, 64
	%5 = getelementptr i8, i8* %arena, i64 %4
	; y.q = qdense  tiny.kiln:5:14
	call void @kiln_qdense(i8* %5, i8* getelementptr ([32 x i8], [32 x i8]* @y.weight.q, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.bias, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.mult, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.shift, i64 0, i64 0), i8* %arena, i64 %n64, i64 8, i64 4, i64 4, i64 1, i32 -46, i32 -128, i32 127), !kiln.src !6
	%6 = mul i64 %n64, 4
	; y = dequantize  tiny.kiln:5:14
	call void @kiln_dequantize(i8* %arena, float* %y, i64 %6, float 0x3F73951760000000, i32 -46), !kiln.src !7
	ret i32 0

bad_batch:
	ret i32 -1
}

define i64 @kiln_tiny_arena_size() nounwind {
entry:
	ret i64 128
}

!0 = !{!"x.q = quantize  tiny.kiln:3:9"}
!1 = !{!"h.q = qdense  tiny.kiln:4:13"}
!2 = !{!"y.q = qdense  tiny.kiln:5:14"}
!3 = !{!"y = dequantize  tiny.kiln:5:14"}
!4 = !{!"x.q = quantize  tiny.kiln:3:9"}
!5 = !{!"h.q = qdense  tiny.kiln:4:13"}
!6 = !{!"y.q = qdense  tiny.kiln:5:14"}
!7 = !{!"y = dequantize  tiny.kiln:5:14"}
