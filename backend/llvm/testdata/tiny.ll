; kiln model tiny, compiled from its int8 graph.
; Entry points: kiln_tiny_run (int8 in and out), kiln_tiny_run_f32 (float in and out), kiln_tiny_arena_size.
; Dot products: the generic form.
; Arena: 128 bytes per example.

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
	%9 = icmp sge i64 %units, 4
	%10 = add i64 %units, 3
	%11 = sdiv i64 %10, 4
	%12 = select i1 %9, i64 %11, i64 0
	br label %block

block:
	%block.i = phi i64 [ 0, %entry ], [ %385, %row.end ]
	%13 = icmp slt i64 %block.i, %12
	br i1 %13, label %block.body, label %block.end

block.body:
	%14 = mul i64 %block.i, 4
	%15 = sub i64 %units, 4
	%16 = icmp slt i64 %14, %15
	%17 = select i1 %16, i64 %14, i64 %15
	%18 = getelementptr i32, i32* %bias, i64 %17
	%19 = bitcast i32* %18 to <4 x i32>*
	%20 = load <4 x i32>, <4 x i32>* %19, align 4
	%21 = getelementptr i32, i32* %mult, i64 %17
	%22 = bitcast i32* %21 to <4 x i32>*
	%23 = load <4 x i32>, <4 x i32>* %22, align 4
	%24 = getelementptr i32, i32* %shift, i64 %17
	%25 = bitcast i32* %24 to <4 x i32>*
	%26 = load <4 x i32>, <4 x i32>* %25, align 4
	%27 = insertelement <4 x i32> undef, i32 %out_off, i32 0
	%28 = shufflevector <4 x i32> %27, <4 x i32> undef, <4 x i32> zeroinitializer
	%29 = insertelement <4 x i32> undef, i32 %lo, i32 0
	%30 = shufflevector <4 x i32> %29, <4 x i32> undef, <4 x i32> zeroinitializer
	%31 = insertelement <4 x i32> undef, i32 %hi, i32 0
	%32 = shufflevector <4 x i32> %31, <4 x i32> undef, <4 x i32> zeroinitializer
	%33 = sdiv i64 %rows, 2
	br label %rows2

block.end:
	%34 = select i1 %9, i64 0, i64 %units
	br label %unit

rows2:
	%rows2.i = phi i64 [ 0, %block.body ], [ %367, %dot8.tail.end ]
	%35 = icmp slt i64 %rows2.i, %33
	br i1 %35, label %rows2.body, label %rows2.end

rows2.body:
	%36 = mul i64 %rows2.i, 2
	%37 = add i64 %36, 1
	%38 = mul i64 %36, %in
	%39 = getelementptr i8, i8* %x, i64 %38
	%40 = mul i64 %37, %in
	%41 = getelementptr i8, i8* %x, i64 %40
	%42 = add i64 %17, 0
	%43 = mul i64 %42, %6
	%44 = getelementptr i8, i8* %w, i64 %43
	%45 = add i64 %17, 1
	%46 = mul i64 %45, %6
	%47 = getelementptr i8, i8* %w, i64 %46
	%48 = add i64 %17, 2
	%49 = mul i64 %48, %6
	%50 = getelementptr i8, i8* %w, i64 %49
	%51 = add i64 %17, 3
	%52 = mul i64 %51, %6
	%53 = getelementptr i8, i8* %w, i64 %52
	br label %dot8.vec

rows2.end:
	%54 = mul i64 %33, 2
	%55 = sub i64 %rows, %54
	br label %row

dot8.vec:
	%dot8.vec.i = phi i64 [ 0, %rows2.body ], [ %118, %dot8.vec.body ]
	%56 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %80, %dot8.vec.body ]
	%57 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %91, %dot8.vec.body ]
	%58 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %102, %dot8.vec.body ]
	%59 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %113, %dot8.vec.body ]
	%60 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %84, %dot8.vec.body ]
	%61 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %95, %dot8.vec.body ]
	%62 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %106, %dot8.vec.body ]
	%63 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %117, %dot8.vec.body ]
	%64 = icmp slt i64 %dot8.vec.i, %0
	br i1 %64, label %dot8.vec.body, label %dot8.vec.end

dot8.vec.body:
	%65 = mul i64 %dot8.vec.i, 16
	%66 = getelementptr i8, i8* %39, i64 %65
	%67 = bitcast i8* %66 to <16 x i8>*
	%68 = load <16 x i8>, <16 x i8>* %67, align 1
	%69 = sext <16 x i8> %68 to <16 x i16>
	%70 = getelementptr i8, i8* %41, i64 %65
	%71 = bitcast i8* %70 to <16 x i8>*
	%72 = load <16 x i8>, <16 x i8>* %71, align 1
	%73 = sext <16 x i8> %72 to <16 x i16>
	%74 = getelementptr i8, i8* %44, i64 %65
	%75 = bitcast i8* %74 to <16 x i8>*
	%76 = load <16 x i8>, <16 x i8>* %75, align 1
	%77 = sext <16 x i8> %76 to <16 x i16>
	%78 = mul <16 x i16> %69, %77
	%79 = sext <16 x i16> %78 to <16 x i32>
	%80 = add <16 x i32> %56, %79
	%81 = sext <16 x i8> %76 to <16 x i16>
	%82 = mul <16 x i16> %73, %81
	%83 = sext <16 x i16> %82 to <16 x i32>
	%84 = add <16 x i32> %60, %83
	%85 = getelementptr i8, i8* %47, i64 %65
	%86 = bitcast i8* %85 to <16 x i8>*
	%87 = load <16 x i8>, <16 x i8>* %86, align 1
	%88 = sext <16 x i8> %87 to <16 x i16>
	%89 = mul <16 x i16> %69, %88
	%90 = sext <16 x i16> %89 to <16 x i32>
	%91 = add <16 x i32> %57, %90
	%92 = sext <16 x i8> %87 to <16 x i16>
	%93 = mul <16 x i16> %73, %92
	%94 = sext <16 x i16> %93 to <16 x i32>
	%95 = add <16 x i32> %61, %94
	%96 = getelementptr i8, i8* %50, i64 %65
	%97 = bitcast i8* %96 to <16 x i8>*
	%98 = load <16 x i8>, <16 x i8>* %97, align 1
	%99 = sext <16 x i8> %98 to <16 x i16>
	%100 = mul <16 x i16> %69, %99
	%101 = sext <16 x i16> %100 to <16 x i32>
	%102 = add <16 x i32> %58, %101
	%103 = sext <16 x i8> %98 to <16 x i16>
	%104 = mul <16 x i16> %73, %103
	%105 = sext <16 x i16> %104 to <16 x i32>
	%106 = add <16 x i32> %62, %105
	%107 = getelementptr i8, i8* %53, i64 %65
	%108 = bitcast i8* %107 to <16 x i8>*
	%109 = load <16 x i8>, <16 x i8>* %108, align 1
	%110 = sext <16 x i8> %109 to <16 x i16>
	%111 = mul <16 x i16> %69, %110
	%112 = sext <16 x i16> %111 to <16 x i32>
	%113 = add <16 x i32> %59, %112
	%114 = sext <16 x i8> %109 to <16 x i16>
	%115 = mul <16 x i16> %73, %114
	%116 = sext <16 x i16> %115 to <16 x i32>
	%117 = add <16 x i32> %63, %116
	%118 = add i64 %dot8.vec.i, 1
	br label %dot8.vec

dot8.vec.end:
	%119 = icmp sgt i64 %2, 0
	%120 = zext i1 %119 to i64
	br label %dot8.tail

dot8.tail:
	%dot8.tail.i = phi i64 [ 0, %dot8.vec.end ], [ %182, %dot8.tail.body ]
	%121 = phi <16 x i32> [ %56, %dot8.vec.end ], [ %144, %dot8.tail.body ]
	%122 = phi <16 x i32> [ %57, %dot8.vec.end ], [ %155, %dot8.tail.body ]
	%123 = phi <16 x i32> [ %58, %dot8.vec.end ], [ %166, %dot8.tail.body ]
	%124 = phi <16 x i32> [ %59, %dot8.vec.end ], [ %177, %dot8.tail.body ]
	%125 = phi <16 x i32> [ %60, %dot8.vec.end ], [ %148, %dot8.tail.body ]
	%126 = phi <16 x i32> [ %61, %dot8.vec.end ], [ %159, %dot8.tail.body ]
	%127 = phi <16 x i32> [ %62, %dot8.vec.end ], [ %170, %dot8.tail.body ]
	%128 = phi <16 x i32> [ %63, %dot8.vec.end ], [ %181, %dot8.tail.body ]
	%129 = icmp slt i64 %dot8.tail.i, %120
	br i1 %129, label %dot8.tail.body, label %dot8.tail.end

dot8.tail.body:
	%130 = bitcast <16 x i8>* %7 to i8*
	store <16 x i8> zeroinitializer, <16 x i8>* %7
	%131 = getelementptr i8, i8* %39, i64 %1
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %130, i8* %131, i64 %2, i1 false)
	%132 = load <16 x i8>, <16 x i8>* %7, align 64
	%133 = sext <16 x i8> %132 to <16 x i16>
	%134 = bitcast <16 x i8>* %8 to i8*
	store <16 x i8> zeroinitializer, <16 x i8>* %8
	%135 = getelementptr i8, i8* %41, i64 %1
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %134, i8* %135, i64 %2, i1 false)
	%136 = load <16 x i8>, <16 x i8>* %8, align 64
	%137 = sext <16 x i8> %136 to <16 x i16>
	%138 = getelementptr i8, i8* %44, i64 %1
	%139 = bitcast i8* %138 to <16 x i8>*
	%140 = load <16 x i8>, <16 x i8>* %139, align 1
	%141 = sext <16 x i8> %140 to <16 x i16>
	%142 = mul <16 x i16> %133, %141
	%143 = sext <16 x i16> %142 to <16 x i32>
	%144 = add <16 x i32> %121, %143
	%145 = sext <16 x i8> %140 to <16 x i16>
	%146 = mul <16 x i16> %137, %145
	%147 = sext <16 x i16> %146 to <16 x i32>
	%148 = add <16 x i32> %125, %147
	%149 = getelementptr i8, i8* %47, i64 %1
	%150 = bitcast i8* %149 to <16 x i8>*
	%151 = load <16 x i8>, <16 x i8>* %150, align 1
	%152 = sext <16 x i8> %151 to <16 x i16>
	%153 = mul <16 x i16> %133, %152
	%154 = sext <16 x i16> %153 to <16 x i32>
	%155 = add <16 x i32> %122, %154
	%156 = sext <16 x i8> %151 to <16 x i16>
	%157 = mul <16 x i16> %137, %156
	%158 = sext <16 x i16> %157 to <16 x i32>
	%159 = add <16 x i32> %126, %158
	%160 = getelementptr i8, i8* %50, i64 %1
	%161 = bitcast i8* %160 to <16 x i8>*
	%162 = load <16 x i8>, <16 x i8>* %161, align 1
	%163 = sext <16 x i8> %162 to <16 x i16>
	%164 = mul <16 x i16> %133, %163
	%165 = sext <16 x i16> %164 to <16 x i32>
	%166 = add <16 x i32> %123, %165
	%167 = sext <16 x i8> %162 to <16 x i16>
	%168 = mul <16 x i16> %137, %167
	%169 = sext <16 x i16> %168 to <16 x i32>
	%170 = add <16 x i32> %127, %169
	%171 = getelementptr i8, i8* %53, i64 %1
	%172 = bitcast i8* %171 to <16 x i8>*
	%173 = load <16 x i8>, <16 x i8>* %172, align 1
	%174 = sext <16 x i8> %173 to <16 x i16>
	%175 = mul <16 x i16> %133, %174
	%176 = sext <16 x i16> %175 to <16 x i32>
	%177 = add <16 x i32> %124, %176
	%178 = sext <16 x i8> %173 to <16 x i16>
	%179 = mul <16 x i16> %137, %178
	%180 = sext <16 x i16> %179 to <16 x i32>
	%181 = add <16 x i32> %128, %180
	%182 = add i64 %dot8.tail.i, 1
	br label %dot8.tail

dot8.tail.end:
	%183 = shufflevector <16 x i32> %121, <16 x i32> %121, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%184 = shufflevector <16 x i32> %121, <16 x i32> %121, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%185 = add <8 x i32> %183, %184
	%186 = shufflevector <8 x i32> %185, <8 x i32> %185, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%187 = shufflevector <8 x i32> %185, <8 x i32> %185, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%188 = add <4 x i32> %186, %187
	%189 = shufflevector <16 x i32> %122, <16 x i32> %122, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%190 = shufflevector <16 x i32> %122, <16 x i32> %122, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%191 = add <8 x i32> %189, %190
	%192 = shufflevector <8 x i32> %191, <8 x i32> %191, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%193 = shufflevector <8 x i32> %191, <8 x i32> %191, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%194 = add <4 x i32> %192, %193
	%195 = shufflevector <16 x i32> %123, <16 x i32> %123, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%196 = shufflevector <16 x i32> %123, <16 x i32> %123, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%197 = add <8 x i32> %195, %196
	%198 = shufflevector <8 x i32> %197, <8 x i32> %197, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%199 = shufflevector <8 x i32> %197, <8 x i32> %197, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%200 = add <4 x i32> %198, %199
	%201 = shufflevector <16 x i32> %124, <16 x i32> %124, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%202 = shufflevector <16 x i32> %124, <16 x i32> %124, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%203 = add <8 x i32> %201, %202
	%204 = shufflevector <8 x i32> %203, <8 x i32> %203, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%205 = shufflevector <8 x i32> %203, <8 x i32> %203, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%206 = add <4 x i32> %204, %205
	%207 = shufflevector <4 x i32> %188, <4 x i32> %194, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%208 = shufflevector <4 x i32> %188, <4 x i32> %194, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%209 = add <4 x i32> %207, %208
	%210 = shufflevector <4 x i32> %200, <4 x i32> %206, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%211 = shufflevector <4 x i32> %200, <4 x i32> %206, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%212 = add <4 x i32> %210, %211
	%213 = shufflevector <4 x i32> %209, <4 x i32> %212, <4 x i32> <i32 0, i32 1, i32 4, i32 5>
	%214 = shufflevector <4 x i32> %209, <4 x i32> %212, <4 x i32> <i32 2, i32 3, i32 6, i32 7>
	%215 = add <4 x i32> %213, %214
	%216 = add <4 x i32> %215, %20
	%217 = icmp sgt <4 x i32> %26, <i32 0, i32 0, i32 0, i32 0>
	%218 = select <4 x i1> %217, <4 x i32> %26, <4 x i32> <i32 0, i32 0, i32 0, i32 0>
	%219 = sub <4 x i32> <i32 0, i32 0, i32 0, i32 0>, %26
	%220 = select <4 x i1> %217, <4 x i32> <i32 0, i32 0, i32 0, i32 0>, <4 x i32> %219
	%221 = shl <4 x i32> %216, %218
	%222 = icmp eq <4 x i32> %221, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%223 = icmp eq <4 x i32> %23, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%224 = and <4 x i1> %222, %223
	%225 = sext <4 x i32> %221 to <4 x i64>
	%226 = sext <4 x i32> %23 to <4 x i64>
	%227 = mul <4 x i64> %225, %226
	%228 = icmp sge <4 x i64> %227, <i64 0, i64 0, i64 0, i64 0>
	%229 = select <4 x i1> %228, <4 x i64> <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>, <4 x i64> <i64 -1073741823, i64 -1073741823, i64 -1073741823, i64 -1073741823>
	%230 = add <4 x i64> %227, %229
	%231 = sdiv <4 x i64> %230, <i64 u0x80000000, i64 u0x80000000, i64 u0x80000000, i64 u0x80000000>
	%232 = trunc <4 x i64> %231 to <4 x i32>
	%233 = select <4 x i1> %224, <4 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <4 x i32> %232
	%234 = shl <4 x i32> <i32 1, i32 1, i32 1, i32 1>, %220
	%235 = sub <4 x i32> %234, <i32 1, i32 1, i32 1, i32 1>
	%236 = and <4 x i32> %233, %235
	%237 = ashr <4 x i32> %235, <i32 1, i32 1, i32 1, i32 1>
	%238 = icmp slt <4 x i32> %233, <i32 0, i32 0, i32 0, i32 0>
	%239 = zext <4 x i1> %238 to <4 x i32>
	%240 = add <4 x i32> %237, %239
	%241 = icmp sgt <4 x i32> %236, %240
	%242 = zext <4 x i1> %241 to <4 x i32>
	%243 = ashr <4 x i32> %233, %220
	%244 = add <4 x i32> %243, %242
	%245 = add <4 x i32> %244, %28
	%246 = icmp slt <4 x i32> %245, %30
	%247 = icmp sgt <4 x i32> %245, %32
	%248 = select <4 x i1> %247, <4 x i32> %32, <4 x i32> %245
	%249 = select <4 x i1> %246, <4 x i32> %30, <4 x i32> %248
	%250 = trunc <4 x i32> %249 to <4 x i8>
	%251 = mul i64 %36, %ors
	%252 = add i64 %17, 0
	%253 = mul i64 %252, %ous
	%254 = add i64 %251, %253
	%255 = extractelement <4 x i8> %250, i32 0
	%256 = getelementptr i8, i8* %out, i64 %254
	store i8 %255, i8* %256
	%257 = mul i64 %36, %ors
	%258 = add i64 %17, 1
	%259 = mul i64 %258, %ous
	%260 = add i64 %257, %259
	%261 = extractelement <4 x i8> %250, i32 1
	%262 = getelementptr i8, i8* %out, i64 %260
	store i8 %261, i8* %262
	%263 = mul i64 %36, %ors
	%264 = add i64 %17, 2
	%265 = mul i64 %264, %ous
	%266 = add i64 %263, %265
	%267 = extractelement <4 x i8> %250, i32 2
	%268 = getelementptr i8, i8* %out, i64 %266
	store i8 %267, i8* %268
	%269 = mul i64 %36, %ors
	%270 = add i64 %17, 3
	%271 = mul i64 %270, %ous
	%272 = add i64 %269, %271
	%273 = extractelement <4 x i8> %250, i32 3
	%274 = getelementptr i8, i8* %out, i64 %272
	store i8 %273, i8* %274
	%275 = shufflevector <16 x i32> %125, <16 x i32> %125, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%276 = shufflevector <16 x i32> %125, <16 x i32> %125, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%277 = add <8 x i32> %275, %276
	%278 = shufflevector <8 x i32> %277, <8 x i32> %277, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%279 = shufflevector <8 x i32> %277, <8 x i32> %277, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%280 = add <4 x i32> %278, %279
	%281 = shufflevector <16 x i32> %126, <16 x i32> %126, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%282 = shufflevector <16 x i32> %126, <16 x i32> %126, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%283 = add <8 x i32> %281, %282
	%284 = shufflevector <8 x i32> %283, <8 x i32> %283, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%285 = shufflevector <8 x i32> %283, <8 x i32> %283, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%286 = add <4 x i32> %284, %285
	%287 = shufflevector <16 x i32> %127, <16 x i32> %127, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%288 = shufflevector <16 x i32> %127, <16 x i32> %127, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%289 = add <8 x i32> %287, %288
	%290 = shufflevector <8 x i32> %289, <8 x i32> %289, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%291 = shufflevector <8 x i32> %289, <8 x i32> %289, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%292 = add <4 x i32> %290, %291
	%293 = shufflevector <16 x i32> %128, <16 x i32> %128, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%294 = shufflevector <16 x i32> %128, <16 x i32> %128, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%295 = add <8 x i32> %293, %294
	%296 = shufflevector <8 x i32> %295, <8 x i32> %295, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%297 = shufflevector <8 x i32> %295, <8 x i32> %295, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%298 = add <4 x i32> %296, %297
	%299 = shufflevector <4 x i32> %280, <4 x i32> %286, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%300 = shufflevector <4 x i32> %280, <4 x i32> %286, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%301 = add <4 x i32> %299, %300
	%302 = shufflevector <4 x i32> %292, <4 x i32> %298, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%303 = shufflevector <4 x i32> %292, <4 x i32> %298, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%304 = add <4 x i32> %302, %303
	%305 = shufflevector <4 x i32> %301, <4 x i32> %304, <4 x i32> <i32 0, i32 1, i32 4, i32 5>
	%306 = shufflevector <4 x i32> %301, <4 x i32> %304, <4 x i32> <i32 2, i32 3, i32 6, i32 7>
	%307 = add <4 x i32> %305, %306
	%308 = add <4 x i32> %307, %20
	%309 = icmp sgt <4 x i32> %26, <i32 0, i32 0, i32 0, i32 0>
	%310 = select <4 x i1> %309, <4 x i32> %26, <4 x i32> <i32 0, i32 0, i32 0, i32 0>
	%311 = sub <4 x i32> <i32 0, i32 0, i32 0, i32 0>, %26
	%312 = select <4 x i1> %309, <4 x i32> <i32 0, i32 0, i32 0, i32 0>, <4 x i32> %311
	%313 = shl <4 x i32> %308, %310
	%314 = icmp eq <4 x i32> %313, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%315 = icmp eq <4 x i32> %23, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%316 = and <4 x i1> %314, %315
	%317 = sext <4 x i32> %313 to <4 x i64>
	%318 = sext <4 x i32> %23 to <4 x i64>
	%319 = mul <4 x i64> %317, %318
	%320 = icmp sge <4 x i64> %319, <i64 0, i64 0, i64 0, i64 0>
	%321 = select <4 x i1> %320, <4 x i64> <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>, <4 x i64> <i64 -1073741823, i64 -1073741823, i64 -1073741823, i64 -1073741823>
	%322 = add <4 x i64> %319, %321
	%323 = sdiv <4 x i64> %322, <i64 u0x80000000, i64 u0x80000000, i64 u0x80000000, i64 u0x80000000>
	%324 = trunc <4 x i64> %323 to <4 x i32>
	%325 = select <4 x i1> %316, <4 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <4 x i32> %324
	%326 = shl <4 x i32> <i32 1, i32 1, i32 1, i32 1>, %312
	%327 = sub <4 x i32> %326, <i32 1, i32 1, i32 1, i32 1>
	%328 = and <4 x i32> %325, %327
	%329 = ashr <4 x i32> %327, <i32 1, i32 1, i32 1, i32 1>
	%330 = icmp slt <4 x i32> %325, <i32 0, i32 0, i32 0, i32 0>
	%331 = zext <4 x i1> %330 to <4 x i32>
	%332 = add <4 x i32> %329, %331
	%333 = icmp sgt <4 x i32> %328, %332
	%334 = zext <4 x i1> %333 to <4 x i32>
	%335 = ashr <4 x i32> %325, %312
	%336 = add <4 x i32> %335, %334
	%337 = add <4 x i32> %336, %28
	%338 = icmp slt <4 x i32> %337, %30
	%339 = icmp sgt <4 x i32> %337, %32
	%340 = select <4 x i1> %339, <4 x i32> %32, <4 x i32> %337
	%341 = select <4 x i1> %338, <4 x i32> %30, <4 x i32> %340
	%342 = trunc <4 x i32> %341 to <4 x i8>
	%343 = mul i64 %37, %ors
	%344 = add i64 %17, 0
	%345 = mul i64 %344, %ous
	%346 = add i64 %343, %345
	%347 = extractelement <4 x i8> %342, i32 0
	%348 = getelementptr i8, i8* %out, i64 %346
	store i8 %347, i8* %348
	%349 = mul i64 %37, %ors
	%350 = add i64 %17, 1
	%351 = mul i64 %350, %ous
	%352 = add i64 %349, %351
	%353 = extractelement <4 x i8> %342, i32 1
	%354 = getelementptr i8, i8* %out, i64 %352
	store i8 %353, i8* %354
	%355 = mul i64 %37, %ors
	%356 = add i64 %17, 2
	%357 = mul i64 %356, %ous
	%358 = add i64 %355, %357
	%359 = extractelement <4 x i8> %342, i32 2
	%360 = getelementptr i8, i8* %out, i64 %358
	store i8 %359, i8* %360
	%361 = mul i64 %37, %ors
	%362 = add i64 %17, 3
	%363 = mul i64 %362, %ous
	%364 = add i64 %361, %363
	%365 = extractelement <4 x i8> %342, i32 3
	%366 = getelementptr i8, i8* %out, i64 %364
	store i8 %365, i8* %366
	%367 = add i64 %rows2.i, 1
	br label %rows2

row:
	%row.i = phi i64 [ 0, %rows2.end ], [ %557, %dot4.tail.end ]
	%368 = icmp slt i64 %row.i, %55
	br i1 %368, label %row.body, label %row.end

row.body:
	%369 = mul i64 %33, 2
	%370 = add i64 %369, %row.i
	%371 = mul i64 %370, %in
	%372 = getelementptr i8, i8* %x, i64 %371
	%373 = add i64 %17, 0
	%374 = mul i64 %373, %6
	%375 = getelementptr i8, i8* %w, i64 %374
	%376 = add i64 %17, 1
	%377 = mul i64 %376, %6
	%378 = getelementptr i8, i8* %w, i64 %377
	%379 = add i64 %17, 2
	%380 = mul i64 %379, %6
	%381 = getelementptr i8, i8* %w, i64 %380
	%382 = add i64 %17, 3
	%383 = mul i64 %382, %6
	%384 = getelementptr i8, i8* %w, i64 %383
	br label %dot4.vec

row.end:
	%385 = add i64 %block.i, 1
	br label %block

dot4.vec:
	%dot4.vec.i = phi i64 [ 0, %row.body ], [ %424, %dot4.vec.body ]
	%386 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %402, %dot4.vec.body ]
	%387 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %409, %dot4.vec.body ]
	%388 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %416, %dot4.vec.body ]
	%389 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %423, %dot4.vec.body ]
	%390 = icmp slt i64 %dot4.vec.i, %0
	br i1 %390, label %dot4.vec.body, label %dot4.vec.end

dot4.vec.body:
	%391 = mul i64 %dot4.vec.i, 16
	%392 = getelementptr i8, i8* %372, i64 %391
	%393 = bitcast i8* %392 to <16 x i8>*
	%394 = load <16 x i8>, <16 x i8>* %393, align 1
	%395 = sext <16 x i8> %394 to <16 x i16>
	%396 = getelementptr i8, i8* %375, i64 %391
	%397 = bitcast i8* %396 to <16 x i8>*
	%398 = load <16 x i8>, <16 x i8>* %397, align 1
	%399 = sext <16 x i8> %398 to <16 x i16>
	%400 = mul <16 x i16> %395, %399
	%401 = sext <16 x i16> %400 to <16 x i32>
	%402 = add <16 x i32> %386, %401
	%403 = getelementptr i8, i8* %378, i64 %391
	%404 = bitcast i8* %403 to <16 x i8>*
	%405 = load <16 x i8>, <16 x i8>* %404, align 1
	%406 = sext <16 x i8> %405 to <16 x i16>
	%407 = mul <16 x i16> %395, %406
	%408 = sext <16 x i16> %407 to <16 x i32>
	%409 = add <16 x i32> %387, %408
	%410 = getelementptr i8, i8* %381, i64 %391
	%411 = bitcast i8* %410 to <16 x i8>*
	%412 = load <16 x i8>, <16 x i8>* %411, align 1
	%413 = sext <16 x i8> %412 to <16 x i16>
	%414 = mul <16 x i16> %395, %413
	%415 = sext <16 x i16> %414 to <16 x i32>
	%416 = add <16 x i32> %388, %415
	%417 = getelementptr i8, i8* %384, i64 %391
	%418 = bitcast i8* %417 to <16 x i8>*
	%419 = load <16 x i8>, <16 x i8>* %418, align 1
	%420 = sext <16 x i8> %419 to <16 x i16>
	%421 = mul <16 x i16> %395, %420
	%422 = sext <16 x i16> %421 to <16 x i32>
	%423 = add <16 x i32> %389, %422
	%424 = add i64 %dot4.vec.i, 1
	br label %dot4.vec

dot4.vec.end:
	%425 = icmp sgt i64 %2, 0
	%426 = zext i1 %425 to i64
	br label %dot4.tail

dot4.tail:
	%dot4.tail.i = phi i64 [ 0, %dot4.vec.end ], [ %464, %dot4.tail.body ]
	%427 = phi <16 x i32> [ %386, %dot4.vec.end ], [ %442, %dot4.tail.body ]
	%428 = phi <16 x i32> [ %387, %dot4.vec.end ], [ %449, %dot4.tail.body ]
	%429 = phi <16 x i32> [ %388, %dot4.vec.end ], [ %456, %dot4.tail.body ]
	%430 = phi <16 x i32> [ %389, %dot4.vec.end ], [ %463, %dot4.tail.body ]
	%431 = icmp slt i64 %dot4.tail.i, %426
	br i1 %431, label %dot4.tail.body, label %dot4.tail.end

dot4.tail.body:
	%432 = bitcast <16 x i8>* %7 to i8*
	store <16 x i8> zeroinitializer, <16 x i8>* %7
	%433 = getelementptr i8, i8* %372, i64 %1
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %432, i8* %433, i64 %2, i1 false)
	%434 = load <16 x i8>, <16 x i8>* %7, align 64
	%435 = sext <16 x i8> %434 to <16 x i16>
	%436 = getelementptr i8, i8* %375, i64 %1
	%437 = bitcast i8* %436 to <16 x i8>*
	%438 = load <16 x i8>, <16 x i8>* %437, align 1
	%439 = sext <16 x i8> %438 to <16 x i16>
	%440 = mul <16 x i16> %435, %439
	%441 = sext <16 x i16> %440 to <16 x i32>
	%442 = add <16 x i32> %427, %441
	%443 = getelementptr i8, i8* %378, i64 %1
	%444 = bitcast i8* %443 to <16 x i8>*
	%445 = load <16 x i8>, <16 x i8>* %444, align 1
	%446 = sext <16 x i8> %445 to <16 x i16>
	%447 = mul <16 x i16> %435, %446
	%448 = sext <16 x i16> %447 to <16 x i32>
	%449 = add <16 x i32> %428, %448
	%450 = getelementptr i8, i8* %381, i64 %1
	%451 = bitcast i8* %450 to <16 x i8>*
	%452 = load <16 x i8>, <16 x i8>* %451, align 1
	%453 = sext <16 x i8> %452 to <16 x i16>
	%454 = mul <16 x i16> %435, %453
	%455 = sext <16 x i16> %454 to <16 x i32>
	%456 = add <16 x i32> %429, %455
	%457 = getelementptr i8, i8* %384, i64 %1
	%458 = bitcast i8* %457 to <16 x i8>*
	%459 = load <16 x i8>, <16 x i8>* %458, align 1
	%460 = sext <16 x i8> %459 to <16 x i16>
	%461 = mul <16 x i16> %435, %460
	%462 = sext <16 x i16> %461 to <16 x i32>
	%463 = add <16 x i32> %430, %462
	%464 = add i64 %dot4.tail.i, 1
	br label %dot4.tail

dot4.tail.end:
	%465 = shufflevector <16 x i32> %427, <16 x i32> %427, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%466 = shufflevector <16 x i32> %427, <16 x i32> %427, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%467 = add <8 x i32> %465, %466
	%468 = shufflevector <8 x i32> %467, <8 x i32> %467, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%469 = shufflevector <8 x i32> %467, <8 x i32> %467, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%470 = add <4 x i32> %468, %469
	%471 = shufflevector <16 x i32> %428, <16 x i32> %428, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%472 = shufflevector <16 x i32> %428, <16 x i32> %428, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%473 = add <8 x i32> %471, %472
	%474 = shufflevector <8 x i32> %473, <8 x i32> %473, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%475 = shufflevector <8 x i32> %473, <8 x i32> %473, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%476 = add <4 x i32> %474, %475
	%477 = shufflevector <16 x i32> %429, <16 x i32> %429, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%478 = shufflevector <16 x i32> %429, <16 x i32> %429, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%479 = add <8 x i32> %477, %478
	%480 = shufflevector <8 x i32> %479, <8 x i32> %479, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%481 = shufflevector <8 x i32> %479, <8 x i32> %479, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%482 = add <4 x i32> %480, %481
	%483 = shufflevector <16 x i32> %430, <16 x i32> %430, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%484 = shufflevector <16 x i32> %430, <16 x i32> %430, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%485 = add <8 x i32> %483, %484
	%486 = shufflevector <8 x i32> %485, <8 x i32> %485, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%487 = shufflevector <8 x i32> %485, <8 x i32> %485, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%488 = add <4 x i32> %486, %487
	%489 = shufflevector <4 x i32> %470, <4 x i32> %476, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%490 = shufflevector <4 x i32> %470, <4 x i32> %476, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%491 = add <4 x i32> %489, %490
	%492 = shufflevector <4 x i32> %482, <4 x i32> %488, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%493 = shufflevector <4 x i32> %482, <4 x i32> %488, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%494 = add <4 x i32> %492, %493
	%495 = shufflevector <4 x i32> %491, <4 x i32> %494, <4 x i32> <i32 0, i32 1, i32 4, i32 5>
	%496 = shufflevector <4 x i32> %491, <4 x i32> %494, <4 x i32> <i32 2, i32 3, i32 6, i32 7>
	%497 = add <4 x i32> %495, %496
	%498 = add <4 x i32> %497, %20
	%499 = icmp sgt <4 x i32> %26, <i32 0, i32 0, i32 0, i32 0>
	%500 = select <4 x i1> %499, <4 x i32> %26, <4 x i32> <i32 0, i32 0, i32 0, i32 0>
	%501 = sub <4 x i32> <i32 0, i32 0, i32 0, i32 0>, %26
	%502 = select <4 x i1> %499, <4 x i32> <i32 0, i32 0, i32 0, i32 0>, <4 x i32> %501
	%503 = shl <4 x i32> %498, %500
	%504 = icmp eq <4 x i32> %503, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%505 = icmp eq <4 x i32> %23, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%506 = and <4 x i1> %504, %505
	%507 = sext <4 x i32> %503 to <4 x i64>
	%508 = sext <4 x i32> %23 to <4 x i64>
	%509 = mul <4 x i64> %507, %508
	%510 = icmp sge <4 x i64> %509, <i64 0, i64 0, i64 0, i64 0>
	%511 = select <4 x i1> %510, <4 x i64> <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>, <4 x i64> <i64 -1073741823, i64 -1073741823, i64 -1073741823, i64 -1073741823>
	%512 = add <4 x i64> %509, %511
	%513 = sdiv <4 x i64> %512, <i64 u0x80000000, i64 u0x80000000, i64 u0x80000000, i64 u0x80000000>
	%514 = trunc <4 x i64> %513 to <4 x i32>
	%515 = select <4 x i1> %506, <4 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <4 x i32> %514
	%516 = shl <4 x i32> <i32 1, i32 1, i32 1, i32 1>, %502
	%517 = sub <4 x i32> %516, <i32 1, i32 1, i32 1, i32 1>
	%518 = and <4 x i32> %515, %517
	%519 = ashr <4 x i32> %517, <i32 1, i32 1, i32 1, i32 1>
	%520 = icmp slt <4 x i32> %515, <i32 0, i32 0, i32 0, i32 0>
	%521 = zext <4 x i1> %520 to <4 x i32>
	%522 = add <4 x i32> %519, %521
	%523 = icmp sgt <4 x i32> %518, %522
	%524 = zext <4 x i1> %523 to <4 x i32>
	%525 = ashr <4 x i32> %515, %502
	%526 = add <4 x i32> %525, %524
	%527 = add <4 x i32> %526, %28
	%528 = icmp slt <4 x i32> %527, %30
	%529 = icmp sgt <4 x i32> %527, %32
	%530 = select <4 x i1> %529, <4 x i32> %32, <4 x i32> %527
	%531 = select <4 x i1> %528, <4 x i32> %30, <4 x i32> %530
	%532 = trunc <4 x i32> %531 to <4 x i8>
	%533 = mul i64 %370, %ors
	%534 = add i64 %17, 0
	%535 = mul i64 %534, %ous
	%536 = add i64 %533, %535
	%537 = extractelement <4 x i8> %532, i32 0
	%538 = getelementptr i8, i8* %out, i64 %536
	store i8 %537, i8* %538
	%539 = mul i64 %370, %ors
	%540 = add i64 %17, 1
	%541 = mul i64 %540, %ous
	%542 = add i64 %539, %541
	%543 = extractelement <4 x i8> %532, i32 1
	%544 = getelementptr i8, i8* %out, i64 %542
	store i8 %543, i8* %544
	%545 = mul i64 %370, %ors
	%546 = add i64 %17, 2
	%547 = mul i64 %546, %ous
	%548 = add i64 %545, %547
	%549 = extractelement <4 x i8> %532, i32 2
	%550 = getelementptr i8, i8* %out, i64 %548
	store i8 %549, i8* %550
	%551 = mul i64 %370, %ors
	%552 = add i64 %17, 3
	%553 = mul i64 %552, %ous
	%554 = add i64 %551, %553
	%555 = extractelement <4 x i8> %532, i32 3
	%556 = getelementptr i8, i8* %out, i64 %554
	store i8 %555, i8* %556
	%557 = add i64 %row.i, 1
	br label %row

unit:
	%unit.i = phi i64 [ 0, %block.end ], [ %565, %row1.end ]
	%558 = icmp slt i64 %unit.i, %34
	br i1 %558, label %unit.body, label %unit.end

unit.body:
	br label %row1

unit.end:
	ret void

row1:
	%row1.i = phi i64 [ 0, %unit.body ], [ %616, %dot.tail.end ]
	%559 = icmp slt i64 %row1.i, %rows
	br i1 %559, label %row1.body, label %row1.end

row1.body:
	%560 = mul i64 %row1.i, %in
	%561 = getelementptr i8, i8* %x, i64 %560
	%562 = add i64 %unit.i, 0
	%563 = mul i64 %562, %6
	%564 = getelementptr i8, i8* %w, i64 %563
	br label %dot.vec

row1.end:
	%565 = add i64 %unit.i, 1
	br label %unit

dot.vec:
	%dot.vec.i = phi i64 [ 0, %row1.body ], [ %580, %dot.vec.body ]
	%566 = phi <16 x i32> [ zeroinitializer, %row1.body ], [ %579, %dot.vec.body ]
	%567 = icmp slt i64 %dot.vec.i, %0
	br i1 %567, label %dot.vec.body, label %dot.vec.end

dot.vec.body:
	%568 = mul i64 %dot.vec.i, 16
	%569 = getelementptr i8, i8* %561, i64 %568
	%570 = bitcast i8* %569 to <16 x i8>*
	%571 = load <16 x i8>, <16 x i8>* %570, align 1
	%572 = sext <16 x i8> %571 to <16 x i16>
	%573 = getelementptr i8, i8* %564, i64 %568
	%574 = bitcast i8* %573 to <16 x i8>*
	%575 = load <16 x i8>, <16 x i8>* %574, align 1
	%576 = sext <16 x i8> %575 to <16 x i16>
	%577 = mul <16 x i16> %572, %576
	%578 = sext <16 x i16> %577 to <16 x i32>
	%579 = add <16 x i32> %566, %578
	%580 = add i64 %dot.vec.i, 1
	br label %dot.vec

dot.vec.end:
	%581 = icmp sgt i64 %2, 0
	%582 = zext i1 %581 to i64
	br label %dot.tail

dot.tail:
	%dot.tail.i = phi i64 [ 0, %dot.vec.end ], [ %596, %dot.tail.body ]
	%583 = phi <16 x i32> [ %566, %dot.vec.end ], [ %595, %dot.tail.body ]
	%584 = icmp slt i64 %dot.tail.i, %582
	br i1 %584, label %dot.tail.body, label %dot.tail.end

dot.tail.body:
	%585 = bitcast <16 x i8>* %7 to i8*
	store <16 x i8> zeroinitializer, <16 x i8>* %7
	%586 = getelementptr i8, i8* %561, i64 %1
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %585, i8* %586, i64 %2, i1 false)
	%587 = load <16 x i8>, <16 x i8>* %7, align 64
	%588 = sext <16 x i8> %587 to <16 x i16>
	%589 = getelementptr i8, i8* %564, i64 %1
	%590 = bitcast i8* %589 to <16 x i8>*
	%591 = load <16 x i8>, <16 x i8>* %590, align 1
	%592 = sext <16 x i8> %591 to <16 x i16>
	%593 = mul <16 x i16> %588, %592
	%594 = sext <16 x i16> %593 to <16 x i32>
	%595 = add <16 x i32> %583, %594
	%596 = add i64 %dot.tail.i, 1
	br label %dot.tail

dot.tail.end:
	%597 = call i32 @llvm.vector.reduce.add.v16i32(<16 x i32> %583)
	%598 = getelementptr i32, i32* %bias, i64 %unit.i
	%599 = load i32, i32* %598
	%600 = add i32 %597, %599
	%601 = getelementptr i32, i32* %mult, i64 %unit.i
	%602 = load i32, i32* %601
	%603 = getelementptr i32, i32* %shift, i64 %unit.i
	%604 = load i32, i32* %603
	%605 = call i32 @kiln_requant(i32 %600, i32 %602, i32 %604)
	%606 = add i32 %605, %out_off
	%607 = mul i64 %row1.i, %ors
	%608 = mul i64 %unit.i, %ous
	%609 = add i64 %607, %608
	%610 = icmp sgt i32 %606, %lo
	%611 = select i1 %610, i32 %606, i32 %lo
	%612 = icmp slt i32 %611, %hi
	%613 = select i1 %612, i32 %611, i32 %hi
	%614 = trunc i32 %613 to i8
	%615 = getelementptr i8, i8* %out, i64 %609
	store i8 %614, i8* %615
	%616 = add i64 %row1.i, 1
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
	call void @kiln_qdense(i8* %arena, i8* getelementptr ([128 x i8], [128 x i8]* @h.weight.q.packed, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.bias, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.mult, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.shift, i64 0, i64 0), i8* %3, i64 %n64, i64 6, i64 8, i64 8, i64 1, i32 -128, i32 -128, i32 127), !kiln.src !1
	%4 = mul i64 %n64, 64
	%5 = getelementptr i8, i8* %arena, i64 %4
	; y.q = qdense  tiny.kiln:5:14
	call void @kiln_qdense(i8* %5, i8* getelementptr ([64 x i8], [64 x i8]* @y.weight.q.packed, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.bias, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.mult, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.shift, i64 0, i64 0), i8* %arena, i64 %n64, i64 8, i64 4, i64 4, i64 1, i32 -46, i32 -128, i32 127), !kiln.src !2
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
	call void @kiln_qdense(i8* %arena, i8* getelementptr ([128 x i8], [128 x i8]* @h.weight.q.packed, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.bias, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.mult, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.shift, i64 0, i64 0), i8* %3, i64 %n64, i64 6, i64 8, i64 8, i64 1, i32 -128, i32 -128, i32 127), !kiln.src !5
	%4 = mul i64 %n64, 64
	%5 = getelementptr i8, i8* %arena, i64 %4
	; y.q = qdense  tiny.kiln:5:14
	call void @kiln_qdense(i8* %5, i8* getelementptr ([64 x i8], [64 x i8]* @y.weight.q.packed, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.bias, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.mult, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.shift, i64 0, i64 0), i8* %arena, i64 %n64, i64 8, i64 4, i64 4, i64 1, i32 -46, i32 -128, i32 127), !kiln.src !6
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
