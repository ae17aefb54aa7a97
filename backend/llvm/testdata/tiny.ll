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
	%block.i = phi i64 [ 0, %entry ], [ %37, %row.end ]
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
	br label %row

block.end:
	%20 = mul i64 %2, 4
	%21 = sub i64 %units, %20
	br label %unit

row:
	%row.i = phi i64 [ 0, %block.body ], [ %208, %dot4.tail.end ]
	%22 = icmp slt i64 %row.i, %rows
	br i1 %22, label %row.body, label %row.end

row.body:
	%23 = mul i64 %row.i, %in
	%24 = getelementptr i8, i8* %x, i64 %23
	%25 = add i64 %4, 0
	%26 = mul i64 %25, %in
	%27 = getelementptr i8, i8* %w, i64 %26
	%28 = add i64 %4, 1
	%29 = mul i64 %28, %in
	%30 = getelementptr i8, i8* %w, i64 %29
	%31 = add i64 %4, 2
	%32 = mul i64 %31, %in
	%33 = getelementptr i8, i8* %w, i64 %32
	%34 = add i64 %4, 3
	%35 = mul i64 %34, %in
	%36 = getelementptr i8, i8* %w, i64 %35
	br label %dot4.vec

row.end:
	%37 = add i64 %block.i, 1
	br label %block

dot4.vec:
	%dot4.vec.i = phi i64 [ 0, %row.body ], [ %76, %dot4.vec.body ]
	%38 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %54, %dot4.vec.body ]
	%39 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %61, %dot4.vec.body ]
	%40 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %68, %dot4.vec.body ]
	%41 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %75, %dot4.vec.body ]
	%42 = icmp slt i64 %dot4.vec.i, %0
	br i1 %42, label %dot4.vec.body, label %dot4.vec.end

dot4.vec.body:
	%43 = mul i64 %dot4.vec.i, 16
	%44 = getelementptr i8, i8* %24, i64 %43
	%45 = bitcast i8* %44 to <16 x i8>*
	%46 = load <16 x i8>, <16 x i8>* %45, align 1
	%47 = sext <16 x i8> %46 to <16 x i16>
	%48 = getelementptr i8, i8* %27, i64 %43
	%49 = bitcast i8* %48 to <16 x i8>*
	%50 = load <16 x i8>, <16 x i8>* %49, align 1
	%51 = sext <16 x i8> %50 to <16 x i16>
	%52 = mul <16 x i16> %47, %51
	%53 = sext <16 x i16> %52 to <16 x i32>
	%54 = add <16 x i32> %38, %53
	%55 = getelementptr i8, i8* %30, i64 %43
	%56 = bitcast i8* %55 to <16 x i8>*
	%57 = load <16 x i8>, <16 x i8>* %56, align 1
	%58 = sext <16 x i8> %57 to <16 x i16>
	%59 = mul <16 x i16> %47, %58
	%60 = sext <16 x i16> %59 to <16 x i32>
	%61 = add <16 x i32> %39, %60
	%62 = getelementptr i8, i8* %33, i64 %43
	%63 = bitcast i8* %62 to <16 x i8>*
	%64 = load <16 x i8>, <16 x i8>* %63, align 1
	%65 = sext <16 x i8> %64 to <16 x i16>
	%66 = mul <16 x i16> %47, %65
	%67 = sext <16 x i16> %66 to <16 x i32>
	%68 = add <16 x i32> %40, %67
	%69 = getelementptr i8, i8* %36, i64 %43
	%70 = bitcast i8* %69 to <16 x i8>*
	%71 = load <16 x i8>, <16 x i8>* %70, align 1
	%72 = sext <16 x i8> %71 to <16 x i16>
	%73 = mul <16 x i16> %47, %72
	%74 = sext <16 x i16> %73 to <16 x i32>
	%75 = add <16 x i32> %41, %74
	%76 = add i64 %dot4.vec.i, 1
	br label %dot4.vec

dot4.vec.end:
	%77 = sub i64 %in, %1
	br label %dot4.tail

dot4.tail:
	%dot4.tail.i = phi i64 [ 0, %dot4.vec.end ], [ %107, %dot4.tail.body ]
	%78 = phi i32 [ 0, %dot4.vec.end ], [ %91, %dot4.tail.body ]
	%79 = phi i32 [ 0, %dot4.vec.end ], [ %96, %dot4.tail.body ]
	%80 = phi i32 [ 0, %dot4.vec.end ], [ %101, %dot4.tail.body ]
	%81 = phi i32 [ 0, %dot4.vec.end ], [ %106, %dot4.tail.body ]
	%82 = icmp slt i64 %dot4.tail.i, %77
	br i1 %82, label %dot4.tail.body, label %dot4.tail.end

dot4.tail.body:
	%83 = add i64 %1, %dot4.tail.i
	%84 = getelementptr i8, i8* %24, i64 %83
	%85 = load i8, i8* %84
	%86 = sext i8 %85 to i32
	%87 = getelementptr i8, i8* %27, i64 %83
	%88 = load i8, i8* %87
	%89 = sext i8 %88 to i32
	%90 = mul i32 %89, %86
	%91 = add i32 %78, %90
	%92 = getelementptr i8, i8* %30, i64 %83
	%93 = load i8, i8* %92
	%94 = sext i8 %93 to i32
	%95 = mul i32 %94, %86
	%96 = add i32 %79, %95
	%97 = getelementptr i8, i8* %33, i64 %83
	%98 = load i8, i8* %97
	%99 = sext i8 %98 to i32
	%100 = mul i32 %99, %86
	%101 = add i32 %80, %100
	%102 = getelementptr i8, i8* %36, i64 %83
	%103 = load i8, i8* %102
	%104 = sext i8 %103 to i32
	%105 = mul i32 %104, %86
	%106 = add i32 %81, %105
	%107 = add i64 %dot4.tail.i, 1
	br label %dot4.tail

dot4.tail.end:
	%108 = shufflevector <16 x i32> %38, <16 x i32> %38, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%109 = shufflevector <16 x i32> %38, <16 x i32> %38, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%110 = add <8 x i32> %108, %109
	%111 = shufflevector <8 x i32> %110, <8 x i32> %110, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%112 = shufflevector <8 x i32> %110, <8 x i32> %110, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%113 = add <4 x i32> %111, %112
	%114 = shufflevector <16 x i32> %39, <16 x i32> %39, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%115 = shufflevector <16 x i32> %39, <16 x i32> %39, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%116 = add <8 x i32> %114, %115
	%117 = shufflevector <8 x i32> %116, <8 x i32> %116, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%118 = shufflevector <8 x i32> %116, <8 x i32> %116, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%119 = add <4 x i32> %117, %118
	%120 = shufflevector <16 x i32> %40, <16 x i32> %40, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%121 = shufflevector <16 x i32> %40, <16 x i32> %40, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%122 = add <8 x i32> %120, %121
	%123 = shufflevector <8 x i32> %122, <8 x i32> %122, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%124 = shufflevector <8 x i32> %122, <8 x i32> %122, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%125 = add <4 x i32> %123, %124
	%126 = shufflevector <16 x i32> %41, <16 x i32> %41, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%127 = shufflevector <16 x i32> %41, <16 x i32> %41, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%128 = add <8 x i32> %126, %127
	%129 = shufflevector <8 x i32> %128, <8 x i32> %128, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%130 = shufflevector <8 x i32> %128, <8 x i32> %128, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%131 = add <4 x i32> %129, %130
	%132 = shufflevector <4 x i32> %113, <4 x i32> %119, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%133 = shufflevector <4 x i32> %113, <4 x i32> %119, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%134 = add <4 x i32> %132, %133
	%135 = shufflevector <4 x i32> %125, <4 x i32> %131, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%136 = shufflevector <4 x i32> %125, <4 x i32> %131, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%137 = add <4 x i32> %135, %136
	%138 = shufflevector <4 x i32> %134, <4 x i32> %137, <4 x i32> <i32 0, i32 1, i32 4, i32 5>
	%139 = shufflevector <4 x i32> %134, <4 x i32> %137, <4 x i32> <i32 2, i32 3, i32 6, i32 7>
	%140 = add <4 x i32> %138, %139
	%141 = add <4 x i32> %140, %7
	%142 = insertelement <4 x i32> zeroinitializer, i32 %78, i32 0
	%143 = add <4 x i32> %141, %142
	%144 = insertelement <4 x i32> zeroinitializer, i32 %79, i32 1
	%145 = add <4 x i32> %143, %144
	%146 = insertelement <4 x i32> zeroinitializer, i32 %80, i32 2
	%147 = add <4 x i32> %145, %146
	%148 = insertelement <4 x i32> zeroinitializer, i32 %81, i32 3
	%149 = add <4 x i32> %147, %148
	%150 = icmp sgt <4 x i32> %13, <i32 0, i32 0, i32 0, i32 0>
	%151 = select <4 x i1> %150, <4 x i32> %13, <4 x i32> <i32 0, i32 0, i32 0, i32 0>
	%152 = sub <4 x i32> <i32 0, i32 0, i32 0, i32 0>, %13
	%153 = select <4 x i1> %150, <4 x i32> <i32 0, i32 0, i32 0, i32 0>, <4 x i32> %152
	%154 = shl <4 x i32> %149, %151
	%155 = icmp eq <4 x i32> %154, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%156 = icmp eq <4 x i32> %10, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%157 = and <4 x i1> %155, %156
	%158 = sext <4 x i32> %154 to <4 x i64>
	%159 = sext <4 x i32> %10 to <4 x i64>
	%160 = mul <4 x i64> %158, %159
	%161 = icmp sge <4 x i64> %160, <i64 0, i64 0, i64 0, i64 0>
	%162 = select <4 x i1> %161, <4 x i64> <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>, <4 x i64> <i64 -1073741823, i64 -1073741823, i64 -1073741823, i64 -1073741823>
	%163 = add <4 x i64> %160, %162
	%164 = sdiv <4 x i64> %163, <i64 u0x80000000, i64 u0x80000000, i64 u0x80000000, i64 u0x80000000>
	%165 = trunc <4 x i64> %164 to <4 x i32>
	%166 = select <4 x i1> %157, <4 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <4 x i32> %165
	%167 = shl <4 x i32> <i32 1, i32 1, i32 1, i32 1>, %153
	%168 = sub <4 x i32> %167, <i32 1, i32 1, i32 1, i32 1>
	%169 = and <4 x i32> %166, %168
	%170 = ashr <4 x i32> %168, <i32 1, i32 1, i32 1, i32 1>
	%171 = icmp slt <4 x i32> %166, <i32 0, i32 0, i32 0, i32 0>
	%172 = zext <4 x i1> %171 to <4 x i32>
	%173 = add <4 x i32> %170, %172
	%174 = icmp sgt <4 x i32> %169, %173
	%175 = zext <4 x i1> %174 to <4 x i32>
	%176 = ashr <4 x i32> %166, %153
	%177 = add <4 x i32> %176, %175
	%178 = add <4 x i32> %177, %15
	%179 = icmp slt <4 x i32> %178, %17
	%180 = icmp sgt <4 x i32> %178, %19
	%181 = select <4 x i1> %180, <4 x i32> %19, <4 x i32> %178
	%182 = select <4 x i1> %179, <4 x i32> %17, <4 x i32> %181
	%183 = trunc <4 x i32> %182 to <4 x i8>
	%184 = mul i64 %row.i, %ors
	%185 = add i64 %4, 0
	%186 = mul i64 %185, %ous
	%187 = add i64 %184, %186
	%188 = extractelement <4 x i8> %183, i32 0
	%189 = getelementptr i8, i8* %out, i64 %187
	store i8 %188, i8* %189
	%190 = mul i64 %row.i, %ors
	%191 = add i64 %4, 1
	%192 = mul i64 %191, %ous
	%193 = add i64 %190, %192
	%194 = extractelement <4 x i8> %183, i32 1
	%195 = getelementptr i8, i8* %out, i64 %193
	store i8 %194, i8* %195
	%196 = mul i64 %row.i, %ors
	%197 = add i64 %4, 2
	%198 = mul i64 %197, %ous
	%199 = add i64 %196, %198
	%200 = extractelement <4 x i8> %183, i32 2
	%201 = getelementptr i8, i8* %out, i64 %199
	store i8 %200, i8* %201
	%202 = mul i64 %row.i, %ors
	%203 = add i64 %4, 3
	%204 = mul i64 %203, %ous
	%205 = add i64 %202, %204
	%206 = extractelement <4 x i8> %183, i32 3
	%207 = getelementptr i8, i8* %out, i64 %205
	store i8 %206, i8* %207
	%208 = add i64 %row.i, 1
	br label %row

unit:
	%unit.i = phi i64 [ 0, %block.end ], [ %217, %row1.end ]
	%209 = icmp slt i64 %unit.i, %21
	br i1 %209, label %unit.body, label %unit.end

unit.body:
	%210 = add i64 %20, %unit.i
	br label %row1

unit.end:
	ret void

row1:
	%row1.i = phi i64 [ 0, %unit.body ], [ %266, %dot.tail.end ]
	%211 = icmp slt i64 %row1.i, %rows
	br i1 %211, label %row1.body, label %row1.end

row1.body:
	%212 = mul i64 %row1.i, %in
	%213 = getelementptr i8, i8* %x, i64 %212
	%214 = add i64 %210, 0
	%215 = mul i64 %214, %in
	%216 = getelementptr i8, i8* %w, i64 %215
	br label %dot.vec

row1.end:
	%217 = add i64 %unit.i, 1
	br label %unit

dot.vec:
	%dot.vec.i = phi i64 [ 0, %row1.body ], [ %232, %dot.vec.body ]
	%218 = phi <16 x i32> [ zeroinitializer, %row1.body ], [ %231, %dot.vec.body ]
	%219 = icmp slt i64 %dot.vec.i, %0
	br i1 %219, label %dot.vec.body, label %dot.vec.end

dot.vec.body:
	%220 = mul i64 %dot.vec.i, 16
	%221 = getelementptr i8, i8* %213, i64 %220
	%222 = bitcast i8* %221 to <16 x i8>*
	%223 = load <16 x i8>, <16 x i8>* %222, align 1
	%224 = sext <16 x i8> %223 to <16 x i16>
	%225 = getelementptr i8, i8* %216, i64 %220
	%226 = bitcast i8* %225 to <16 x i8>*
	%227 = load <16 x i8>, <16 x i8>* %226, align 1
	%228 = sext <16 x i8> %227 to <16 x i16>
	%229 = mul <16 x i16> %224, %228
	%230 = sext <16 x i16> %229 to <16 x i32>
	%231 = add <16 x i32> %218, %230
	%232 = add i64 %dot.vec.i, 1
	br label %dot.vec

dot.vec.end:
	%233 = sub i64 %in, %1
	br label %dot.tail

dot.tail:
	%dot.tail.i = phi i64 [ 0, %dot.vec.end ], [ %245, %dot.tail.body ]
	%234 = phi i32 [ 0, %dot.vec.end ], [ %244, %dot.tail.body ]
	%235 = icmp slt i64 %dot.tail.i, %233
	br i1 %235, label %dot.tail.body, label %dot.tail.end

dot.tail.body:
	%236 = add i64 %1, %dot.tail.i
	%237 = getelementptr i8, i8* %213, i64 %236
	%238 = load i8, i8* %237
	%239 = sext i8 %238 to i32
	%240 = getelementptr i8, i8* %216, i64 %236
	%241 = load i8, i8* %240
	%242 = sext i8 %241 to i32
	%243 = mul i32 %242, %239
	%244 = add i32 %234, %243
	%245 = add i64 %dot.tail.i, 1
	br label %dot.tail

dot.tail.end:
	%246 = call i32 @llvm.vector.reduce.add.v16i32(<16 x i32> %218)
	%247 = add i32 %246, %234
	%248 = getelementptr i32, i32* %bias, i64 %210
	%249 = load i32, i32* %248
	%250 = add i32 %247, %249
	%251 = getelementptr i32, i32* %mult, i64 %210
	%252 = load i32, i32* %251
	%253 = getelementptr i32, i32* %shift, i64 %210
	%254 = load i32, i32* %253
	%255 = call i32 @kiln_requant(i32 %250, i32 %252, i32 %254)
	%256 = add i32 %255, %out_off
	%257 = mul i64 %row1.i, %ors
	%258 = mul i64 %210, %ous
	%259 = add i64 %257, %258
	%260 = icmp sgt i32 %256, %lo
	%261 = select i1 %260, i32 %256, i32 %lo
	%262 = icmp slt i32 %261, %hi
	%263 = select i1 %262, i32 %261, i32 %hi
	%264 = trunc i32 %263 to i8
	%265 = getelementptr i8, i8* %out, i64 %259
	store i8 %264, i8* %265
	%266 = add i64 %row1.i, 1
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
